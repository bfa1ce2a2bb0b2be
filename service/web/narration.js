// A storyboard preview's narration, played by the page around the sandboxed preview (which has
// no network and no sound of its own): each section's voice starts at the section's offset
// when the preview plays through it, from wherever the scrubber left the clock.

import { authedUrl } from "./api.js";

/** One <audio> per section, started at the section's offset when the preview plays through it. */
export class Narration {
  constructor(box) {
    this.box = box;
    this.clips = [];
  }

  set(sections) {
    this.stop();
    this.clips = sections
      .filter((s) => s.audio_url)
      .map((s) => {
        const audio = document.createElement("audio");
        audio.preload = "auto";
        audio.src = authedUrl(s.audio_url);
        audio.dataset.sectionId = s.id;
        return { start: s.start, end: s.end, audio };
      });
    this.box.replaceChildren(...this.clips.map((c) => c.audio));
  }

  /** At time `t`: the clip under it plays from the right offset while `playing`; the others are quiet. */
  sync(t, playing) {
    for (const { start, end, audio } of this.clips) {
      const at = t - start;
      const under = playing && at >= 0 && t < end && !(at >= audio.duration - 0.05);
      if (!under) {
        if (!audio.paused) audio.pause();
      } else if (audio.paused) {
        audio.currentTime = at;
        audio.play().catch(() => {});
      } else if (Math.abs(audio.currentTime - at) > 0.3) {
        audio.currentTime = at;
      }
    }
  }

  stop() {
    for (const { audio } of this.clips) audio.pause();
  }
}
