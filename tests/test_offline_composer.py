"""The offline composer: prompts of every kind → the right template, the asked-for text in the
page, the asked-for length, shape and colours; lists read the ways people write them and a
template's sample content never shown as the user's; plain-words revisions; the example
prompt's title card checked down to its pixels."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from media import png

from sandbox import RenderOptions, capture_frame, declared_variables, parse_composition, root_attributes
from service.generation.composer import compose_offline, revise_offline
from service.generation.composer.catalog import CATALOG, KINDS, template_text
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


# --- the user's items, never the template's samples --------------------------------------

STYLE_VARIABLES = {"BG", "ACCENT", "TEXT", "FONT"}
GENERIC_DEFAULTS = {
    "title-card": {"EPISODE_LABEL", "HOST_LABEL"},
    "stat-counter": {"KICKER"},
    "countdown": {"LABEL", "FROM", "END_TEXT"},
    "recipe-card": {"KICKER"},
}
"""The defaults that stay when a prompt says nothing: labels and settings that fit any subject."""
DERIVED = {"EMOJI", "MARK", "HIGHLIGHT"}
"""Sample slots drawn from other content (the dish, the brand, the message), not from the prompt's words."""


def items(value: str) -> list[str]:
    return [i for i in re.split(r"\s*\|\s*", value) if i]


def shown_samples(kind: str, prompt: str, variables: dict[str, str]) -> list[str]:
    """Sample items of the template that the composition shows though the prompt never said them."""
    defaults = declared_variables(template_text(kind))
    return [
        f"{name}: {sample}"
        for name in set(KINDS[kind].samples) - DERIVED
        for sample in items(defaults[name])
        if sample in items(variables[name]) and sample.lower() not in prompt.lower()
    ]


def test_every_template_variable_is_sample_content_or_a_generic_default() -> None:
    """Adding a variable to a template means deciding which it is."""
    for info in CATALOG:
        names = set(declared_variables(template_text(info.kind)))
        assert set(info.samples) <= names, info.kind
        assert names - set(info.samples) - STYLE_VARIABLES == GENERIC_DEFAULTS.get(info.kind, set()), (
            info.kind
        )


# Prompts worded the way people write them. A list is the items the variable must hold, in
# order (empty: the prompt named none, so the slot stays empty); a string is the exact value.
HELD_OUT = [
    pytest.param("a pancake recipe with flour, milk, eggs and butter", "recipe-card",
                 {"TITLE": "Pancake", "INGREDIENTS": ["Flour", "Milk", "Eggs", "Butter"]}, id="recipe-with-prose"),
    pytest.param("Lemon risotto recipe", "recipe-card",
                 {"TITLE": "Lemon risotto", "INGREDIENTS": [], "PREP_TIME": "", "EMOJI": "🍚"}, id="recipe-no-items"),
    pytest.param("A recipe for banana bread made with ripe bananas, flour, sugar, eggs and butter. Serves 8.",
                 "recipe-card", {"TITLE": "Banana Bread", "SERVINGS": "Serves 8",
                                 "INGREDIENTS": ["Ripe bananas", "Flour", "Sugar", "Eggs", "Butter"]},
                 id="recipe-made-with"),
    pytest.param("Make a recipe card for shakshuka using eggs, tomatoes, peppers, onion and cumin, ready in 25 "
                 "minutes", "recipe-card", {"TITLE": "Shakshuka", "PREP_TIME": "25 min",
                                            "INGREDIENTS": ["Eggs", "Tomatoes", "Peppers", "Onion", "Cumin"]},
                 id="recipe-using"),
    pytest.param("guacamole recipe\ningredients:\n- 3 avocados\n- 1 lime\n- half an onion\n- salt", "recipe-card",
                 {"TITLE": "Guacamole", "INGREDIENTS": ["3 avocados", "1 lime", "Half an onion", "Salt"]},
                 id="recipe-dash-lines"),
    pytest.param("Recipe card: chocolate chip cookies. Ingredients are butter, brown sugar, flour, eggs and "
                 "chocolate chips.", "recipe-card",
                 {"TITLE": "Chocolate Chip Cookies",
                  "INGREDIENTS": ["Butter", "Brown sugar", "Flour", "Eggs", "Chocolate chips"]},
                 id="recipe-ingredients-are"),
    pytest.param("Tomato soup recipe. 1. 1 kg tomatoes 2. 1 onion 3. 2 cloves garlic 4. 500 ml stock",
                 "recipe-card", {"TITLE": "Tomato soup",
                                 "INGREDIENTS": ["1 kg tomatoes", "1 onion", "2 cloves garlic", "500 ml stock"]},
                 id="recipe-numbered-inline"),
    pytest.param("vegan chili recipe, you'll need beans; tomatoes; peppers; chili powder", "recipe-card",
                 {"TITLE": "Vegan Chili", "INGREDIENTS": ["Beans", "Tomatoes", "Peppers", "Chili powder"]},
                 id="recipe-semicolons"),
    pytest.param("Smoothie recipe: banana, spinach, oat milk or almond milk", "recipe-card",
                 {"TITLE": "Smoothie", "INGREDIENTS": ["Banana", "Spinach", "Oat milk", "Almond milk"]},
                 id="recipe-or"),
    pytest.param("recipe for mac and cheese with macaroni, cheddar, milk and butter", "recipe-card",
                 {"TITLE": "Mac and Cheese", "INGREDIENTS": ["Macaroni", "Cheddar", "Milk", "Butter"]},
                 id="recipe-and-in-the-dish"),
    pytest.param("Cookies recipe • butter • sugar • flour • chocolate", "recipe-card",
                 {"TITLE": "Cookies", "INGREDIENTS": ["Butter", "Sugar", "Flour", "Chocolate"]},
                 id="recipe-inline-bullets"),
    pytest.param("A recipe card for tacos with tortillas, beef, salsa and cheese in a vertical format", "recipe-card",
                 {"TITLE": "Tacos", "INGREDIENTS": ["Tortillas", "Beef", "Salsa", "Cheese"]}, id="recipe-style-tail"),
    pytest.param("A bullet list with fast, cheap and good, on a dark background in 9:16", "bullet-list",
                 {"POINTS": ["Fast", "Cheap", "Good"], "TITLE": ""}, id="bullets-style-tail"),
    pytest.param("A bullet list of reasons to learn Python: it's readable, it has a huge ecosystem, and it runs "
                 "everywhere", "bullet-list", {"TITLE": "Reasons to learn Python",
                 "POINTS": ["It's readable", "It has a huge ecosystem", "It runs everywhere"]}, id="bullets-cued"),
    pytest.param("Make a slide with the points: hire slowly; fire quickly; pay well", "bullet-list",
                 {"POINTS": ["Hire slowly", "Fire quickly", "Pay well"]}, id="bullets-points-label"),
    pytest.param("bullets:\n* Ship weekly\n* Talk to users\n* Measure everything", "bullet-list",
                 {"POINTS": ["Ship weekly", "Talk to users", "Measure everything"]}, id="bullets-star-lines"),
    pytest.param("a checklist for moving house: 1) book the van 2) pack the kitchen 3) change your address",
                 "bullet-list", {"POINTS": ["Book the van", "Pack the kitchen", "Change your address"]},
                 id="bullets-numbered-inline"),
    pytest.param("A bullet list about healthy habits including drinking water, sleeping 8 hours and walking daily",
                 "bullet-list", {"TITLE": "Healthy habits",
                                 "POINTS": ["Drinking water", "Sleeping 8 hours", "Walking daily"]},
                 id="bullets-including"),
    pytest.param("Quick explainer: why sleep matters — memory, mood and metabolism", "bullet-list",
                 {"TITLE": "Why sleep matters", "POINTS": ["Memory", "Mood", "Metabolism"]}, id="bullets-after-dash"),
    pytest.param("numbered list:\n1. Wake up early\n2) Drink water\n3. Move your body", "bullet-list",
                 {"POINTS": ["Wake up early", "Drink water", "Move your body"]}, id="bullets-numbered-lines"),
    pytest.param("A bullet list about our new office", "bullet-list",
                 {"TITLE": "Our new office", "POINTS": []}, id="bullets-no-items"),
    pytest.param("A multi-scene explainer of how solar panels work. Steps: sunlight hits the cells, electrons "
                 "move, the inverter makes AC power.", "multi-scene",
                 {"TITLE": "How solar panels work",
                  "SCENES": ["Sunlight hits the cells", "Electrons move", "The inverter makes AC power"]},
                 id="scenes-steps-label"),
    pytest.param("A step-by-step tutorial on making coffee:\n1. Grind the beans\n2. Heat the water\n3. Pour "
                 "slowly", "multi-scene", {"TITLE": "Making coffee",
                                           "SCENES": ["Grind the beans", "Heat the water", "Pour slowly"]},
                 id="scenes-numbered-lines"),
    pytest.param("multi scene video about our onboarding", "multi-scene",
                 {"TITLE": "Our onboarding", "SCENES": []}, id="scenes-no-items"),
    pytest.param("Bar chart of sales by region: North 120, South 90, East 75 and West 60", "bar-chart",
                 {"TITLE": "Sales by region", "DATA": ["North: 120", "South: 90", "East: 75", "West: 60"]},
                 id="bar-pairs"),
    pytest.param("Bar graph of coffee sales per weekday; Monday 40; Tuesday 52; Wednesday 47", "bar-chart",
                 {"TITLE": "Coffee sales per weekday", "DATA": ["Monday: 40", "Tuesday: 52", "Wednesday: 47"]},
                 id="bar-semicolons"),
    pytest.param("a bar chart of fruit sales", "bar-chart", {"TITLE": "Fruit sales", "DATA": [], "SUBTITLE": ""},
                 id="bar-no-data"),
    pytest.param("Make a 20 second video of our sales over time as a line chart: 2021 1.2M, 2022 1.9M, 2023 2.6M, "
                 "2024 3.4M", "line-chart",
                 {"TITLE": "Our sales", "DATA": ["2021: 1.2M", "2022: 1.9M", "2023: 2.6M", "2024: 3.4M"]},
                 id="line-years"),
    pytest.param("line graph showing our growth", "line-chart", {"TITLE": "Our growth", "DATA": []},
                 id="line-no-data"),
    pytest.param("Big number: 12,400 trees planted this spring", "stat-counter",
                 {"VALUE": "12,400", "LABEL": "trees planted this spring", "CONTEXT": ""}, id="stat"),
    pytest.param("stat counter for website uptime", "stat-counter", {"VALUE": "", "LABEL": ""}, id="stat-no-value"),
    pytest.param("Make a quote video of Maya Angelou saying 'Nothing will work unless you do'", "quote",
                 {"QUOTE": "Nothing will work unless you do", "AUTHOR": "Maya Angelou", "SOURCE": ""},
                 id="quote-saying"),
    pytest.param("a quote from Marcus Aurelius", "quote", {"QUOTE": "", "AUTHOR": "Marcus Aurelius"},
                 id="quote-no-text"),
    pytest.param("lower third for the speaker Tomás Rivera, who is a marine biologist", "lower-third",
                 {"NAME": "Tomás Rivera", "ROLE": "marine biologist"}, id="lower-third-who-is"),
    pytest.param("a lower third", "lower-third", {"NAME": "", "ROLE": ""}, id="lower-third-no-name"),
    pytest.param("Intro for season 3 of Deep Work Radio, hosted by Sam Okoro", "title-card",
                 {"TITLE": "Deep Work Radio", "HOST": "Sam Okoro", "EPISODE": ""}, id="title-card-season"),
    pytest.param("a title card for Frame by Frame", "title-card", {"TITLE": "Frame by Frame", "HOST": ""},
                 id="title-card-unquoted"),
    pytest.param("a podcast intro", "title-card", {"KICKER": "Podcast", "TITLE": "", "HOST": "", "EPISODE": ""},
                 id="title-card-no-title"),
    pytest.param("Logo sting for Bluefin Labs", "logo-reveal", {"BRAND": "Bluefin Labs", "MARK": "BL", "TAGLINE": ""},
                 id="logo"),
    pytest.param("a logo reveal with the tagline 'Ideas that fly'", "logo-reveal",
                 {"BRAND": "", "MARK": "", "TAGLINE": "Ideas that fly"}, id="logo-tagline-only"),
    pytest.param("Typography video: Less talk, more action", "kinetic-type", {"MESSAGE": "Less talk, more action"},
                 id="kinetic-after-colon"),
    pytest.param("kinetic type", "kinetic-type", {"MESSAGE": "", "HIGHLIGHT": ""}, id="kinetic-no-message"),
]  # fmt: skip


@pytest.mark.parametrize(("prompt", "kind", "expect"), HELD_OUT)
def test_the_users_items_are_shown_in_order_and_no_sample_stands_in(
    prompt: str, kind: str, expect: dict[str, str | list[str]]
) -> None:
    comp = compose_offline(prompt)
    assert comp.template == kind
    shown = parse_composition(comp.html).html.split("</head>", 1)[1]
    for name, want in expect.items():
        if isinstance(want, list):
            assert items(comp.variables[name]) == want, name
            at = 0  # and the page carries them, in that order
            for item in want:
                at = shown.find(html_lib.escape(item), at)
                assert at >= 0, f"{item!r} is not in the page after the items before it"
        else:
            assert comp.variables[name] == want, name
            assert not want or in_page(comp.html, want)
    assert shown_samples(kind, prompt, comp.variables) == []
    report = validate_static(comp.html, limits=ValidationLimits())
    assert report.ok, [str(f) for f in report.errors]
    assert compose_offline(prompt).html == comp.html, "deterministic"


@pytest.mark.parametrize("info", [i for i in CATALOG if i.samples], ids=lambda i: i.kind)
def test_a_prompt_that_gives_nothing_shows_no_sample_content(info) -> None:  # type: ignore[no-untyped-def]
    prompt = f"a {info.label.lower()}"  # "a recipe card", "a bar chart", "a logo / brand reveal", …
    comp = compose_offline(prompt, kind=info.kind)
    filled = {name: comp.variables[name] for name in info.samples if comp.variables[name]}
    # Only what the prompt's own words give ("Explainer"), or the neutral plate for no dish.
    from_prompt = {n for n, v in filled.items() if re.search(rf"\b{re.escape(v.lower())}\b", prompt)}
    assert {n: v for n, v in filled.items() if n not in from_prompt and v != "🍽️"} == {}
    assert shown_samples(info.kind, prompt, comp.variables) == []
    report = validate_static(comp.html, limits=ValidationLimits())
    assert report.ok, [str(f) for f in report.errors]


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
