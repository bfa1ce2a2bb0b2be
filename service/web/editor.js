// A plain textarea made pleasant: line numbers, marked lines, jump-to-line, tab indents, cursor position.

export class CodeEditor {
  constructor(textarea, gutter, flash, cursorLabel) {
    this.ta = textarea;
    this.gutter = gutter;
    this.flash = flash;
    this.cursorLabel = cursorLabel;
    this.marks = new Map(); // line → "error" | "warning"
    this._lines = 0;
    this.ta.addEventListener("input", () => this.renderGutter());
    this.ta.addEventListener("scroll", () => {
      this.gutter.scrollTop = this.ta.scrollTop;
      this.flash.hidden = true;
    });
    this.ta.addEventListener("keydown", (e) => this._keydown(e));
    for (const ev of ["keyup", "click", "select", "input"]) this.ta.addEventListener(ev, () => this._cursor());
  }

  get value() {
    return this.ta.value;
  }

  set value(text) {
    this.ta.value = text;
    this.ta.setSelectionRange(0, 0);
    this.ta.scrollTop = 0;
    this.renderGutter(true);
    this._cursor();
  }

  /** Mark lines that have findings; `findings` are the API's {line, severity}. */
  mark(findings) {
    this.marks = new Map();
    for (const f of findings) {
      if (!f.line) continue;
      if (this.marks.get(f.line) !== "error") this.marks.set(f.line, f.severity);
    }
    this.renderGutter(true);
  }

  renderGutter(force = false) {
    const count = this.ta.value.split("\n").length;
    if (!force && count === this._lines) return;
    this._lines = count;
    const parts = [];
    for (let i = 1; i <= count; i++) {
      const mark = this.marks.get(i);
      parts.push(mark ? `<span class="mark-${mark}">${i}</span>` : String(i));
    }
    this.gutter.innerHTML = parts.join("\n") + "\n\n";
    this.gutter.scrollTop = this.ta.scrollTop;
  }

  lineHeight() {
    return parseFloat(getComputedStyle(this.ta).lineHeight) || 20;
  }

  /** Select line `n`, scroll it to the upper third, and flash it. */
  jumpTo(n) {
    const lines = this.ta.value.split("\n");
    const line = Math.max(1, Math.min(n, lines.length));
    let start = 0;
    for (let i = 0; i < line - 1; i++) start += lines[i].length + 1;
    this.ta.focus();
    this.ta.setSelectionRange(start, start + lines[line - 1].length);
    const lh = this.lineHeight();
    const pad = parseFloat(getComputedStyle(this.ta).paddingTop) || 0;
    this.ta.scrollTop = Math.max(0, (line - 1) * lh - this.ta.clientHeight / 3);
    this.gutter.scrollTop = this.ta.scrollTop;
    this.flash.style.top = `${pad + (line - 1) * lh - this.ta.scrollTop}px`;
    this.flash.style.height = `${lh}px`;
    this.flash.hidden = false;
    this.flash.classList.remove("go");
    void this.flash.offsetWidth; // restart the animation
    this.flash.classList.add("go");
    this._cursor();
  }

  _keydown(e) {
    if (e.key === "Tab" && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      const { selectionStart: s, selectionEnd: end, value } = this.ta;
      if (e.shiftKey) {
        const lineStart = value.lastIndexOf("\n", s - 1) + 1;
        if (value.startsWith("  ", lineStart)) {
          this.ta.setRangeText("", lineStart, lineStart + 2, "preserve");
          this.ta.setSelectionRange(Math.max(lineStart, s - 2), Math.max(lineStart, end - 2));
        }
      } else {
        this.ta.setRangeText("  ", s, end, "end");
      }
      this.ta.dispatchEvent(new Event("input", { bubbles: true }));
    } else if (e.key === "Enter" && !e.ctrlKey && !e.metaKey) {
      // keep the indentation of the current line
      const { selectionStart: s, value } = this.ta;
      const lineStart = value.lastIndexOf("\n", s - 1) + 1;
      const indent = /^[ \t]*/.exec(value.slice(lineStart, s))[0];
      if (indent) {
        e.preventDefault();
        this.ta.setRangeText("\n" + indent, s, this.ta.selectionEnd, "end");
        this.ta.dispatchEvent(new Event("input", { bubbles: true }));
      }
    }
  }

  _cursor() {
    const s = this.ta.selectionStart;
    const before = this.ta.value.slice(0, s);
    const line = before.split("\n").length;
    const col = s - before.lastIndexOf("\n");
    this.cursorLabel.textContent = `Ln ${line}, Col ${col}`;
  }
}
