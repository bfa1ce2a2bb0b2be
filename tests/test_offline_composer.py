"""The offline composer: prompts of every kind → the right template, the asked-for text in the
page, the asked-for length, shape and colours; plain-words revisions; the example prompt's
title card checked down to its pixels."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from media import png

from sandbox import RenderOptions, capture_frame, declared_variables, parse_composition, root_attributes
from service.generation.composer import compose_offline, revise_offline
from service.generation.composer.palette import luminance, to_rgb
from service.validation import validate_static
from service.validation.limits import ValidationLimits

EXAMPLE = (
    "A 6-second title card for a podcast called 'Frame by Frame', episode 42, with the host name "
    "Kira Tanaka. Dark background, orange accent for the episode number."
)


def is_orange(color: str) -> bool:
    rgb = to_rgb(color)
    assert rgb is not None, color
    r, g, b = rgb
    return r > 200 and 80 < g < 175 and b < 90


def page_text(html: str) -> str:
    """The substituted document with tags stripped and entities decoded (what the page shows)."""
    body = parse_composition(html).html.split("</head>", 1)[-1]
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", body))


def in_page(html: str, text: str) -> bool:
    """Shown text, or a data attribute the template's script turns into text (lists, charts)."""
    return text in page_text(html) or html_lib.escape(text) in parse_composition(html).html


# --- the example prompt ------------------------------------------------------------------


def test_example_prompt_gives_the_podcast_title_card() -> None:
    comp = compose_offline(EXAMPLE)
    assert comp.template == "title-card"
    assert (comp.duration, comp.aspect) == (6.0, "16:9")
    attrs = root_attributes(comp.html)
    assert (attrs["data-duration"], attrs["data-aspect"]) == ("6", "16:9")
    v = declared_variables(comp.html)
    assert (v["TITLE"], v["EPISODE"], v["HOST"]) == ("Frame by Frame", "42", "Kira Tanaka")
    assert is_orange(v["ACCENT"])
    assert luminance(v["BG"]) < 0.03, "dark background"
    assert luminance(v["TEXT"]) > 0.8, "light text on it"
    shown = parse_composition(comp.html).html
    for text in ("Frame by Frame", "Kira Tanaka"):
        assert text in page_text(comp.html)
    # The episode number sits in the element the accent colours.
    assert re.search(r'<div class="episode" id="episode">.*?<span class="ep-num">42</span>', shown)
    assert re.search(r"\.episode \{[^}]*color: var\(--accent\)", shown)
    assert f"--accent: {v['ACCENT']};" in shown and f"--bg: {v['BG']};" in shown


def test_example_title_card_pixels_dark_background_orange_episode(run) -> None:  # type: ignore[no-untyped-def]
    comp = compose_offline(EXAMPLE)
    image = png(run(capture_frame(comp.html, 3.0, RenderOptions(resolution="320x180"))))
    assert image.size == (320, 180)
    for corner in ((2, 2), (317, 177), (160, 2)):
        assert sum(image.getpixel(corner)) < 90, f"dark background at {corner}: {image.getpixel(corner)}"

    def orange_pixels(y0: int, y1: int) -> int:
        return sum(
            1
            for y in range(y0, y1)
            for x in range(0, 200)
            if (p := image.getpixel((x, y)))[0] > 200 and 80 < p[1] < 175 and p[2] < 90
        )

    # "EPISODE 42" is the row above the title (a third of the way down); it is drawn in orange.
    assert orange_pixels(50, 80) >= 30
    light = sum(1 for y in range(75, 110) for x in range(20, 240) if min(image.getpixel((x, y))) > 200)
    assert light >= 200, "the title is drawn in light text"


# --- a dozen varied prompts --------------------------------------------------------------

CASES = [
    pytest.param(
        "Lower third for Jane Doe, CTO at Acme Corp, blue accent, vertical",
        "lower-third",
        ["Jane Doe", "CTO at Acme Corp"],
        6.0,
        "9:16",
        {"ACCENT": "#3b82f6"},
        id="lower-third",
    ),
    pytest.param(
        'A quote video: "Simplicity is the ultimate sophistication" by Leonardo da Vinci, warm, square',
        "quote",
        ["Simplicity is the ultimate sophistication", "Leonardo da Vinci"],
        6.0,
        "1:1",
        {},
        id="quote",
    ),
    pytest.param(
        "A 10 s explainer about remote work with three points: fewer commutes, deeper focus, and flexible "
        "hours. Light background.",
        "bullet-list",
        ["Remote work", "Fewer commutes", "Deeper focus", "Flexible hours"],
        10.0,
        "16:9",
        {"light_bg": True},
        id="bullets",
    ),
    pytest.param(
        "A stat counter showing 73% of users finish the course, #ff6a00 accent, 9:16",
        "stat-counter",
        ["73%", "of users finish the course"],
        6.0,
        "9:16",
        {"ACCENT": "#ff6a00"},
        id="stat",
    ),
    pytest.param(
        "Bar chart of quarterly revenue: Q1 $1.2M, Q2 $1.8M, Q3 $2.4M, Q4 $3.1M. Purple bars on a navy "
        "background. 8 seconds.",
        "bar-chart",
        ["Quarterly revenue", "Q1: $1.2M", "Q4: $3.1M"],
        8.0,
        "16:9",
        {"BG": "#0b1f3a"},
        id="bar-chart",
    ),
    pytest.param(
        "Line chart of monthly active users over time: Jan 120, Feb 135, Mar 128, Apr 164, May 190, Jun 236. "
        "Instagram post.",
        "line-chart",
        ["Monthly active users", "Jan: 120", "Jun: 236"],
        6.0,
        "4:5",
        {},
        id="line-chart",
    ),
    pytest.param(
        "A 10-second countdown to our product launch, ending with 'We are live', energetic",
        "countdown",
        ["Countdown to our product launch", "We are live"],
        10.0,
        "16:9",
        {"FROM": "10"},
        id="countdown",
    ),
    pytest.param(
        "Recipe card for lemon garlic pasta. Ingredients: spaghetti, lemon, garlic, parmesan, olive oil. "
        "Ready in 20 minutes, serves 2. Portrait.",
        "recipe-card",
        ["Lemon Garlic Pasta", "Olive oil", "20 min", "Serves 2"],
        8.0,
        "9:16",
        {"EMOJI": "🍝"},
        id="recipe",
    ),
    pytest.param(
        "Logo reveal for Northwind with the tagline 'Ideas in motion', indigo accent, 5 seconds",
        "logo-reveal",
        ["Northwind", "Ideas in motion"],
        5.0,
        "16:9",
        {"ACCENT": "#6366f1", "MARK": "N"},
        id="logo",
    ),
    pytest.param(
        "Kinetic typography saying 'Make every frame count', yellow on black, 15 second reel",
        "kinetic-type",
        ["Make every frame count"],
        15.0,
        "9:16",
        {"BG": "#0a0a0a", "ACCENT": "#facc15"},
        id="kinetic",
    ),
    pytest.param(
        "A multi-scene explainer on how our app works: 1) sign up 2) connect your calendar 3) get a summary "
        "every morning. Calm mood, 4:5",
        "multi-scene",
        ["How our app works", "Sign up", "Connect your calendar"],
        None,
        "4:5",
        {},
        id="multi-scene",
    ),
    pytest.param(
        "An intro for my YouTube channel 'Night Shift Cooking' presented by Marco Rossi, season 2 episode 7, "
        "red and white",
        "title-card",
        ["Night Shift Cooking", "Marco Rossi", "Presented by", "7"],
        6.0,
        "16:9",
        {"ACCENT": "#ef4444"},
        id="youtube-intro",
    ),
    pytest.param(
        "A 12 second square video with the big number $1.2 million raised from 300 backers, source: "
        "Kickstarter",
        "stat-counter",
        ["$1.2M", "Source: Kickstarter"],
        12.0,
        "1:1",
        {},
        id="stat-money",
    ),
]


@pytest.mark.parametrize(("prompt", "kind", "texts", "duration", "aspect", "expect"), CASES)
def test_composer_honours_the_prompt(
    prompt: str, kind: str, texts: list[str], duration: float | None, aspect: str, expect: dict[str, object]
) -> None:
    comp = compose_offline(prompt)
    assert comp.template == kind
    for text in texts:
        assert in_page(comp.html, text), f"{text!r} is not in the page"
    parsed = parse_composition(comp.html)
    assert parsed.aspect == aspect == comp.aspect
    if duration is not None:
        assert parsed.duration == duration == comp.duration
    v = declared_variables(comp.html)
    for name, want in expect.items():
        if name == "light_bg":
            assert luminance(v["BG"]) > 0.8 and luminance(v["TEXT"]) < 0.1
        else:
            assert v[name] == want, name
    report = validate_static(comp.html, limits=ValidationLimits())
    assert report.ok, [str(f) for f in report.errors]


MESSY = [
    pytest.param(
        "podcast intro: 'Deep Dive' ep. 7 w/ hosts Ana Lima and Ben Ode, purple",
        "title-card", {"TITLE": "Deep Dive", "EPISODE": "7", "HOST": "Ana Lima & Ben Ode", "ACCENT": "#a855f7"},
        id="two-hosts",
    ),
    pytest.param(
        "chyron: Dr. Maya Angelou - Poet", "lower-third", {"NAME": "Dr. Maya Angelou", "ROLE": "Poet"}, id="chyron"
    ),
    pytest.param(
        "quote by Steve Jobs: Stay hungry, stay foolish",
        "quote", {"QUOTE": "Stay hungry, stay foolish", "AUTHOR": "Steve Jobs"},
        id="unquoted-quote",
    ),
    pytest.param(
        "“Be the change you wish to see” — Gandhi. Calm, 4:5",
        "quote", {"QUOTE": "Be the change you wish to see", "AUTHOR": "Gandhi"},
        id="attributed-quote",
    ),
    pytest.param(
        "Show that revenue grew 45% year over year", "stat-counter", {"VALUE": "45%"}, id="stat-without-cue"
    ),
    pytest.param(
        "Animated bar chart comparing apples 30, bananas 45, cherries 12",
        "bar-chart", {"DATA": "apples: 30 | bananas: 45 | cherries: 12"},
        id="pairs-without-colon",
    ),
    pytest.param(
        "line graph: 2019 10, 2020 14, 2021 22, 2022 35, 2023 51 — title 'EV sales (millions)'",
        "line-chart", {"TITLE": "EV sales (millions)", "DATA": "2019: 10 | 2020: 14 | 2021: 22 | 2022: 35 | 2023: 51"},
        id="years",
    ),
    pytest.param(
        "Agenda for today's meeting: - Welcome\n- Q3 numbers\n- Roadmap\n- Q&A",
        "bullet-list", {"TITLE": "Agenda for today's meeting", "POINTS": "Welcome | Q3 numbers | Roadmap | Q&A"},
        id="dash-lines",
    ),
    pytest.param(
        "Top 5 tips for better sleep: no screens, cool room, same bedtime, less caffeine, morning light. "
        "3 seconds per tip.",
        "bullet-list", {"TITLE": "Top 5 tips for better sleep", "KICKER": "Tips", "duration": 16.5},
        id="per-item-seconds",
    ),
    pytest.param(
        "A 1 minute explainer video about our product with scenes: Problem: meetings eat your day. "
        "Solution: async updates. Result: 5 hours saved a week.",
        "multi-scene",
        {"SCENES": "Problem: meetings eat your day | Solution: async updates | Result: 5 hours saved a week",
         "duration": 60.0},
        id="headed-scenes",
    ),
    pytest.param(
        "Recipe: Pancakes. 1 cup flour; 1 egg; 1 cup milk; 2 tbsp sugar. Serves 4. Takes 15 minutes.",
        "recipe-card",
        {"TITLE": "Pancakes", "EMOJI": "🥞", "SERVINGS": "Serves 4", "PREP_TIME": "15 min", "duration": 8.0},
        id="recipe-minutes-are-not-the-length",
    ),
    pytest.param("Make a countdown 10 to 1", "countdown", {"FROM": "10", "duration": 11.0}, id="countdown-range"),
    pytest.param(
        "A title card for a talk with Olive Green as the host",
        "title-card", {"HOST": "Olive Green", "KICKER": "Talk", "ACCENT": "#ff7a1a"},
        id="colour-words-in-a-name",
    ),
    pytest.param(
        "Title card: Kira Tanaka is the host of Frame by Frame",
        "title-card", {"TITLE": "Frame by Frame", "HOST": "Kira Tanaka"},
        id="host-of",
    ),
    pytest.param(
        "logo animation for acme robotics, tagline: building tomorrow",
        "logo-reveal", {"BRAND": "Acme Robotics", "MARK": "AR", "TAGLINE": "building tomorrow"},
        id="lower-case-brand",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("prompt", "kind", "expect"), MESSY)
def test_composer_reads_messy_prompts(prompt: str, kind: str, expect: dict[str, object]) -> None:
    comp = compose_offline(prompt)
    assert comp.template == kind
    for name, want in expect.items():
        got = comp.duration if name == "duration" else comp.variables[name]
        assert got == want, name
        if name != "duration":
            assert in_page(comp.html, str(want).split(" | ")[0])


def test_sample_lines_are_cleared_once_the_prompt_gives_the_main_content() -> None:
    v = compose_offline("A title card for 'The Quiet Hour'").variables
    assert v["TITLE"] == "The Quiet Hour"
    assert v["HOST"] == "" and v["EPISODE"] == "", "no invented host or episode under someone else's title"
    assert (
        "Kira Tanaka" not in parse_composition(compose_offline("A title card for 'The Quiet Hour'").html).html
    )


def test_no_kind_words_falls_back_sensibly() -> None:
    assert compose_offline("fewer meetings; more focus; earlier nights").template == "bullet-list"
    assert (
        compose_offline("'Every frame is a decision you get to make' in huge letters").template
        == "kinetic-type"
    )
    assert compose_offline("something nice").template == "title-card"


def test_arguments_win_over_the_prompt() -> None:
    comp = compose_offline(
        EXAMPLE,
        duration=8,
        aspect="9:16",
        fps=24,
        brand_colors=["#00a3ff", "#101010"],
        variables={"TITLE": "Override"},
    )
    attrs = root_attributes(comp.html)
    assert (attrs["data-duration"], attrs["data-aspect"], attrs["data-fps"]) == ("8", "9:16", "24")
    assert comp.variables["TITLE"] == "Override"
    assert "Override" in page_text(comp.html)


def test_brand_colours_become_accent_and_dark_background() -> None:
    v = compose_offline("A logo reveal for Lumen", brand_colors=["#ff6a00", "#111827"]).variables
    assert (v["ACCENT"], v["BG"]) == ("#ff6a00", "#111827")
    assert v["BRAND"] == "Lumen" and v["MARK"] == "L"


def test_light_and_dark_requests_keep_text_readable() -> None:
    light = compose_offline("A recipe card for banana bread, white background").variables
    assert luminance(light["BG"]) > 0.9 and luminance(light["TEXT"]) < 0.05
    dark = compose_offline("A recipe card for banana bread, dark mode").variables
    assert luminance(dark["BG"]) < 0.05 and luminance(dark["TEXT"]) > 0.8


def test_title_colours_do_not_leak_from_quoted_text() -> None:
    v = compose_offline("A title card called 'Blue Monday Orange Tuesday'").variables
    assert v["TITLE"] == "Blue Monday Orange Tuesday"
    assert v["BG"] == "#0d1117" and v["ACCENT"] == "#ff7a1a", "the template's own colours"


def test_composition_is_deterministic_and_self_contained() -> None:
    a, b = compose_offline(EXAMPLE), compose_offline(EXAMPLE)
    assert a.html == b.html
    assert "{{$TITLE}}" in a.html, "placeholders stay editable; values live in the hf-variables defaults"
    assert set(a.variables) == set(declared_variables(a.html))


def test_text_with_markup_characters_is_escaped_not_injected() -> None:
    comp = compose_offline('A title card called "Salt & Pepper </script><b>x</b>"')
    assert comp.variables["TITLE"] == "Salt & Pepper </script><b>x</b>"
    parsed = parse_composition(comp.html).html
    assert "<b>x</b>" not in parsed.split("</head>", 1)[1]
    assert "Salt &amp; Pepper &lt;/script&gt;" in parsed


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"prompt": "   "}, "the prompt is empty"),
        ({"prompt": "a title card", "aspect": "3:2"}, "aspect '3:2' is not supported"),
        ({"prompt": "a title card", "duration": 0}, "duration 0 s is out of range"),
        ({"prompt": "a title card", "fps": 500}, "fps 500 is out of range"),
    ],
)
def test_bad_input_is_a_clear_value_error(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        compose_offline(**kwargs)  # type: ignore[arg-type]


# --- revisions ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def card() -> str:
    return compose_offline(EXAMPLE).html


def test_revise_background_colour_keeps_text_readable(card: str) -> None:
    v = declared_variables(revise_offline(card, "make the background white"))
    assert v["BG"] == "#ffffff" and luminance(v["TEXT"]) < 0.05
    v = declared_variables(revise_offline(card, "Make the background blue."))
    assert v["BG"] == "#3b82f6"
    assert v["TITLE"] == "Frame by Frame", "nothing else changes"


def test_revise_text_duration_and_aspect(card: str) -> None:
    html = revise_offline(card, "change the title to Salt and Pepper, make it 10 seconds and vertical")
    assert declared_variables(html)["TITLE"] == "Salt and Pepper"
    attrs = root_attributes(html)
    assert (attrs["data-duration"], attrs["data-aspect"]) == ("10", "9:16")
    assert "Salt and Pepper" in page_text(html)
    assert parse_composition(html).duration == 10


def test_revise_several_variables_and_removal(card: str) -> None:
    v = declared_variables(revise_offline(card, "change the host to 'Sam Lee' and the episode to 43"))
    assert (v["HOST"], v["EPISODE"]) == ("Sam Lee", "43")
    v = declared_variables(revise_offline(card, "remove the host"))
    assert v["HOST"] == "" and v["HOST_LABEL"] == ""
    v = declared_variables(revise_offline(card, "set the accent to #22c55e, square"))
    assert v["ACCENT"] == "#22c55e"


def test_revise_works_on_documents_it_did_not_write() -> None:
    body = (
        '<body style="background:{{$BACKGROUND}};color:{{$TEXT_COLOR}}">{{$HEADLINE}}'
        "<script>addEventListener('hf-seek', e => {});</script></body></html>"
    )
    html = (
        '<!doctype html><html data-duration="4"><head><script type="application/json" id="hf-variables">'
        '{"HEADLINE": "Hi", "BACKGROUND": "#000000", "TEXT_COLOR": "white"}</script></head>' + body
    )
    out = revise_offline(html, "set the headline to 'Hello there' and make it 5 seconds, square")
    assert declared_variables(out) == {
        "HEADLINE": "Hello there",
        "BACKGROUND": "#000000",
        "TEXT_COLOR": "white",
    }
    assert root_attributes(out) == {"data-duration": "5", "data-aspect": "1:1"}
    assert out.endswith(body), "only the variables block and the root tag change"
    v = declared_variables(revise_offline(html, "make the background cream"))
    assert v["BACKGROUND"] == "#fbf3e8" and luminance(v["TEXT_COLOR"]) < 0.05, (
        "its own colour names, kept readable"
    )


@pytest.mark.parametrize(
    ("instruction", "message"),
    [
        ("do a barrel roll", "could not understand 'do a barrel roll'"),
        (
            "make the title bigger",
            "this document has EPISODE, EPISODE_LABEL, FONT, HOST, HOST_LABEL, KICKER, TITLE",
        ),
        ("set the background to banana", "'banana' is not a colour"),
        ("", "the instruction is empty"),
    ],
)
def test_revise_refuses_what_it_does_not_understand(card: str, instruction: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        revise_offline(card, instruction)


def test_revise_lists_take_plain_enumerations() -> None:
    bullets = compose_offline("bullet list: fast, cheap, good").html
    v = declared_variables(
        revise_offline(bullets, "change the points to faster renders, fewer bugs and happy users")
    )
    assert v["POINTS"] == "faster renders | fewer bugs | happy users"
    chart = compose_offline("bar chart: Mon 3, Tue 5, Wed 4").html
    html = revise_offline(chart, "set the data to Mon 6; Tue 9; Wed 2 and make the title 'Signups'")
    v = declared_variables(html)
    assert (v["DATA"], v["TITLE"]) == ("Mon 6 | Tue 9 | Wed 2", "Signups")
