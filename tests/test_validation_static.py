"""Static validation: a case for every code, the near-misses that must pass, and the real
problems that must not slip by. Lines are checked wherever a finding has one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from service.validation import CODES, Finding, ValidationLimits, ValidationReport, validate_static
from service.validation.jslex import tokenize

ROOT = Path(__file__).resolve().parent.parent
LIMITS = ValidationLimits()  # the documented defaults, independent of the environment
LISTENER = "addEventListener('hf-seek', e => render(e.detail.time));\nfunction render(t) { document.body.style.opacity = t / 2; }"


def doc(
    *,
    script: str = "",
    head: str = "",
    body: str = "",
    root: str = 'data-duration="2" data-aspect="16:9"',
    doctype: str = "<!doctype html>\n",
    listener: str = LISTENER,
) -> str:
    """A valid composition with extra pieces put in (each on its own lines)."""
    return (
        f'{doctype}<html {root}>\n<head>\n<meta charset="utf-8">\n{head}\n</head>\n<body>\n{body}\n'
        f"<script>\n{listener}\n{script}\n</script>\n</body>\n</html>\n"
    )


def check(html: str, **kw: object) -> ValidationReport:
    kw.setdefault("limits", LIMITS)
    return validate_static(html, **kw)  # type: ignore[arg-type]


def codes(html: str, **kw: object) -> list[str]:
    return [f.code for f in check(html, **kw).findings]


def line_of(html: str, needle: str) -> int:
    return html[: html.index(needle)].count("\n") + 1


def only(html: str, code: str, **kw: object) -> Finding:
    """The one finding of the document, which must have `code`."""
    findings = check(html, **kw).findings
    assert [f.code for f in findings] == [code], findings
    return findings[0]


# -- a good page, and the stock templates ------------------------------------------------------


def test_a_good_page_has_no_findings() -> None:
    report = check(doc(body="<h1>Hello</h1>"))
    assert report.findings == [] and report.ok
    assert report.to_dict() == {"ok": True, "findings": []}


@pytest.mark.parametrize("path", sorted((ROOT / "templates").glob("*.html")), ids=lambda p: p.stem)
def test_every_template_passes(path: Path) -> None:
    report = check(path.read_text(encoding="utf-8"))
    assert report.ok, report.errors


# -- the document -------------------------------------------------------------------------------


@pytest.mark.parametrize("html", ["", "   \n", "just some words"])
def test_parse_error(html: str) -> None:
    assert only(html, "parse-error").severity == "error"


def test_too_large() -> None:
    html = doc(body="<p>" + "x" * 300 + "</p>")
    f = only(html, "too-large", limits=ValidationLimits(max_bytes=200))
    assert "200" in f.message


def test_too_large_counts_utf8_bytes_not_characters() -> None:
    html = doc(body="<p>" + "é" * 150 + "</p>")
    limit = len(html) + 50  # fits in characters, not in bytes
    assert codes(html, limits=ValidationLimits(max_bytes=limit)) == ["too-large"]


@pytest.mark.parametrize("doctype", ["", "<!doctype html5>\n", "hello <!doctype html>\n"])
def test_missing_doctype(doctype: str) -> None:
    assert only(doc(doctype=doctype), "missing-doctype").line == 1


@pytest.mark.parametrize(
    "doctype",
    [
        "<!DOCTYPE html>\n",
        "<!-- made by a model -->\n<!doctype HTML>\n",
        '<?xml version="1.0"?>\n<!doctype html>\n',
    ],
)
def test_doctype_spellings_that_are_fine(doctype: str) -> None:
    assert codes(doc(doctype=doctype)) == []


def test_too_many_elements() -> None:
    html = doc(body="<i></i>" * 30)
    assert codes(html, limits=ValidationLimits(max_elements=20)) == ["too-many-elements"]


# -- the root element ---------------------------------------------------------------------------


def test_missing_root() -> None:
    html = f"<!doctype html>\n<body>\n<script>{LISTENER}</script>\n</body>\n"
    assert codes(html) == ["missing-root"]


@pytest.mark.parametrize(
    ("root", "code"),
    [
        ('data-aspect="16:9"', "missing-duration"),
        ('data-duration=""', "missing-duration"),
        ('data-duration="six"', "invalid-duration"),
        ('data-duration="NaN"', "invalid-duration"),
        ('data-duration="0"', "duration-out-of-range"),
        ('data-duration="-3"', "duration-out-of-range"),
        ('data-duration="121"', "duration-out-of-range"),
        ('data-duration="2" data-aspect="21:9"', "invalid-aspect"),
        ('data-duration="2" data-fps="0"', "invalid-fps"),
        ('data-duration="2" data-fps="240"', "invalid-fps"),
        ('data-duration="2" data-fps="fast"', "invalid-fps"),
        ('data-duration="2" data-width="1920"', "invalid-size"),
        ('data-duration="2" data-width="8" data-height="8"', "invalid-size"),
        ('data-duration="2" data-width="wide" data-height="1080"', "invalid-size"),
    ],
)
def test_root_attribute_errors(root: str, code: str) -> None:
    f = only(doc(root=root), code)
    assert f.severity == "error" and f.line == 2


def test_root_attribute_line_in_a_multiline_tag() -> None:
    html = doc(root='lang="en"\n      data-aspect="16:9"\n      data-duration="zero"')
    assert only(html, "invalid-duration").line == 4


def test_invalid_aspect_suggests_the_right_spelling() -> None:
    assert '"16:9"' in only(doc(root='data-duration="2" data-aspect="16/9"'), "invalid-aspect").message


@pytest.mark.parametrize(
    "root",
    [
        'data-duration="6s"',
        'data-duration="120"',
        'data-duration="0.5" data-aspect="9:16" data-fps="24"',
        'data-duration="2" data-aspect="4:5" data-width="1080" data-height="1350"',
        'data-duration="2" data-composition-id="intro"',
    ],
)
def test_root_attributes_that_are_fine(root: str) -> None:
    assert codes(doc(root=root)) == []


def test_aspect_mismatch_is_a_warning() -> None:
    f = only(
        doc(root='data-duration="2" data-aspect="16:9" data-width="1080" data-height="1920"'),
        "aspect-mismatch",
    )
    assert f.severity == "warning"


def test_the_renderer_has_the_last_word() -> None:
    # The renderer reads the first "<html" in the text, here inside a comment, so it finds no
    # duration; the parser-based checks see the real root. The validator must not pass it.
    html = doc(doctype="<!doctype html>\n<!-- was: <html> -->\n")
    f = only(html, "composition-error")
    assert "data-duration" in f.message


# -- time -----------------------------------------------------------------------------------------


def test_missing_seek_listener() -> None:
    f = only(doc(listener="function render(t) {}\nrender(0);"), "missing-seek-listener")
    assert "addEventListener('hf-seek'" in f.message


@pytest.mark.parametrize(
    "listener",
    [
        "window.addEventListener('hf-seek', e => {});",
        'self.addEventListener("hf-seek", function (e) {});',
        "globalThis.addEventListener(`hf-seek`, onSeek); function onSeek(e) {}",
        "const EVENT = 'hf-seek';\naddEventListener(EVENT, e => {});",
        "const w = window; w.addEventListener('hf-seek', e => {});",
    ],
)
def test_seek_listener_forms(listener: str) -> None:
    assert codes(doc(listener=listener)) == []


@pytest.mark.parametrize(
    "listener",
    [
        "// addEventListener('hf-seek', e => {})",
        "const note = \"addEventListener('hf-seek', f)\";",
        "window.onhfseek = e => {};",
        "window['onhf-seek'] = e => {};",
        "addEventListener('hf-seeked', e => {});",
    ],
)
def test_things_that_are_not_a_seek_listener(listener: str) -> None:
    assert codes(doc(listener=listener)) == ["missing-seek-listener"]


def test_seek_listener_on_the_wrong_target() -> None:
    html = doc(listener="document.addEventListener('hf-seek', e => {});")
    f = only(html, "seek-listener-target")
    assert f.line == line_of(html, "document.addEventListener") and "`document." in f.message


TIMERS = [
    "setTimeout(() => step(), 100);",
    "setInterval(step, 16);",
    "requestAnimationFrame(loop);",
    "requestIdleCallback(work);",
    "window.setTimeout(step, 10);",
    "self.setInterval(step, 10);",
    "globalThis.requestAnimationFrame(loop);",
    "window?.setTimeout(step);",
    "document.defaultView.setTimeout(step);",
    "globalThis['setTimeout'](step);",
    'window["setInterval"](step);',
    "window[`setTimeout`](step);",
    "window['set' + 'Timeout'](step);",
    "const later = setTimeout; later(step);",
    "const {setInterval: every} = window; every(step);",
    "const { requestAnimationFrame } = window;",
    "const g = globalThis; g.setTimeout(step);",
    "setTimeout.call(window, step, 1);",
    "eval('setTimeout(step, 1)');",
    "new Function('setInterval(step, 5)')();",
    "Reflect.get(window, 'setTimeout')(step);",
    "['setTimeout'].forEach(name => window[name](step));",
    "set\\u0054imeout(step);",
    "window['set\\x54imeout'](step);",
    "if (x) { setTimeout(step) }",
    "const o = { run() { return setTimeout(step, 1); } };",
]


def test_timer_in_an_inline_event_handler() -> None:
    html = doc(body='<img alt=""\n     onload="setTimeout(go, 5)">')
    assert only(html, "timer-call").line == line_of(html, "onload=")


def test_timer_in_a_javascript_url() -> None:
    html = doc(body='<a href="javascript:setInterval(go, 5)">x</a>')
    assert codes(html) == ["timer-call"]


NOT_TIMERS = [
    'const s = "setTimeout(step, 10)";',
    "const s = 'do not use setInterval here';",
    "// setTimeout(step, 10)",
    "/* requestAnimationFrame(loop); */",
    "/*\n setInterval(step)\n*/",
    "const label = `call setTimeout(${1 + 1}) later`;",
    "const nested = `a ${`setInterval(x)`} b`;",
    "const re = /setTimeout\\(/g;",
    "const ratio = a / b; const other = c / d; // setTimeout",
    "if (ok) /setInterval/.test(s);",
    "const cfg = { setTimeout: 5, setInterval: 6 };",
    "player.setTimeout(5); clock.requestAnimationFrame(f);",
    "class Clock { setInterval(ms) { this.ms = ms; } }",
    "if (typeof requestAnimationFrame === 'function') {}",
    "const hasTimers = 'setTimeout' in window;",
    "<!-- setTimeout(x)",
]


@pytest.mark.parametrize("script", NOT_TIMERS)
def test_timer_names_that_are_not_timer_calls(script: str) -> None:
    assert codes(doc(script=script)) == []


def test_timer_in_a_non_script_block_is_not_code() -> None:
    html = doc(head='<script type="text/template">setTimeout(x)</script>\n<style>/* setTimeout */</style>')
    assert codes(html) == []


@pytest.mark.parametrize(
    "script",
    [
        "const s = 'never closed;",
        'const t = "</script>";',
        "const t = `never closed;",
        "/* never closed",
    ],
)
def test_script_syntax(script: str) -> None:
    html = doc(script=script)
    found = codes(html)
    assert "script-syntax" in found


# -- network ------------------------------------------------------------------------------------

EXTERNAL = [
    ("body", '<img src="https://example.com/a.png" alt="">'),
    ("body", '<img src="//cdn.example.com/a.png" alt="">'),
    ("body", '<img alt="" srcset="data:image/png;base64,AAAA 1x, https://example.com/a@2x.png 2x">'),
    ("body", '<video poster="http://example.com/p.jpg"></video>'),
    ("body", '<video><source src="https://example.com/v.mp4"></video>'),
    ("body", '<iframe src="https://example.com/"></iframe>'),
    ("body", '<object data="https://example.com/x.svg"></object>'),
    ("body", '<form action="https://example.com/submit"></form>'),
    ("body", '<div style="background:url(//evil.example/x.png)"></div>'),
    ("body", "<div style=\"background-image: url('http://example.com/a.png')\"></div>"),
    ("body", '<svg><image xlink:href="https://example.com/a.png"/></svg>'),
    ("body", '<svg><use href="https://example.com/s.svg#i"/></svg>'),
    ("body", '<svg><rect fill="url(https://example.com/p.svg#g)"/></svg>'),
    ("body", "<iframe srcdoc='<img src=\"https://example.com/a.png\">'></iframe>"),
    ("body", '<img src="ftp://example.com/a.png" alt="">'),
    ("head", '<link rel="prefetch" href="http://example.com/next.html">'),
    ("head", '<link rel="stylesheet" href="https://fonts.example.com/css?family=Inter">'),
    ("head", '<link rel="preconnect" href="https://fonts.example.com">'),
    ("head", '<base href="https://example.com/">'),
    ("head", "<style>\n@import url(http://example.com/a.css);\n</style>"),
    ("head", "<style>\n@import 'https://example.com/a.css';\n</style>"),
    ("head", "<style>\n@font-face { font-family: X; src: url(https://example.com/x.woff2) }\n</style>"),
    ("head", '<style>\n.a { background: image-set("https://example.com/a.png" 1x) }\n</style>'),
    ("head", '<script src="https://cdn.example.com/gsap.min.js"></script>'),
    ("head", '<script type="importmap">{"imports": {"three": "https://cdn.example.com/three.js"}}</script>'),
]


@pytest.mark.parametrize(("where", "markup"), EXTERNAL)
def test_external_urls_in_markup(where: str, markup: str) -> None:
    html = doc(**{where: markup})
    f = only(html, "external-url")
    assert f.line == line_of(
        html, markup.splitlines()[-1] if "<style>" not in markup else markup.splitlines()[1]
    )


EXTERNAL_IN_SCRIPTS = [
    'new Image().src = "http://example.com/a.png";',
    "const img = document.createElement('img'); img.src = 'https://example.com/a.png';",
    "img.setAttribute('src', 'https://example.com/a.png');",
    "el.innerHTML = '<img src=\"https://example.com/a.png\">';",
    "el.style.background = 'url(//evil.example/x)';",
    "el.style.backgroundImage = `url(https://example.com/${n}.png)`;",
    "new Audio('https://example.com/a.mp3');",
    'import("https://example.com/m.js");',
    "video.poster = `https://example.com/p.jpg`;",
]


def test_external_url_reaching_a_sink_through_variables() -> None:
    script = (
        "const BASE = 'https://cdn.example.com/img/';\n"
        "const photos = [BASE + 'a.jpg', BASE + 'b.jpg'];\n"
        "photos.forEach((url, i) => {\n"
        "  const img = new Image();\n"
        "  img.src = url;\n"
        "});\n"
        "for (const p of photos) { el.style.backgroundImage = 'url(' + p + ')'; }"
    )
    html = doc(script=script)
    found = check(html).findings
    assert [f.code for f in found] == ["external-url", "external-url"]
    assert [f.line for f in found] == [
        line_of(html, "img.src = url"),
        line_of(html, "el.style.backgroundImage"),
    ]
    assert "https://cdn.example.com/img/" in found[0].message


def test_module_imports_from_the_network() -> None:
    html = doc(head='<script type="module">\nimport gsap from "https://cdn.example.com/gsap.js";\n</script>')
    assert only(html, "external-url").line == line_of(html, "import gsap")


def test_relative_url_is_a_warning() -> None:
    html = doc(body='<img src="logo.png" alt="">')
    f = only(html, "relative-url")
    assert f.severity == "warning" and f.line == line_of(html, "logo.png")
    assert check(html).ok


def test_relative_url_in_a_script_sink() -> None:
    html = doc(script="img.src = 'img/logo.svg';")
    assert only(html, "relative-url").severity == "warning"


def test_external_link_is_a_warning() -> None:
    html = doc(body='<a href="https://example.com">site</a>')
    assert only(html, "external-link").severity == "warning"


NETWORK = [
    "fetch('https://example.com/data.json').then(r => r.json());",
    "fetch(url);",
    "window.fetch(url);",
    "const xhr = new XMLHttpRequest();",
    "const ws = new WebSocket('wss://example.com');",
    "navigator.sendBeacon('/log', data);",
    "const w = new Worker(URL.createObjectURL(blob));",
    "const es = new EventSource('/events');",
    "const pc = new RTCPeerConnection();",
    "navigator.serviceWorker.register('/sw.js');",
    "import(moduleUrl);",
    "window['fetch'](u);",
]


NAVIGATION = [
    "location = 'https://example.com';",
    "location.href = 'https://example.com';",
    "window.location.href = next;",
    "document.location = next;",
    "location.assign(next);",
    "location.reload();",
    "window.open('https://example.com');",
    "const o = window.open;",
]


SCRIPT_CASES = [
    *(("timer-call", s) for s in TIMERS),
    *(("external-url", s) for s in EXTERNAL_IN_SCRIPTS),
    *(("network-api", s) for s in NETWORK),
    *(("navigation", s) for s in NAVIGATION),
]


@pytest.mark.parametrize(("code", "script"), SCRIPT_CASES)
def test_what_scripts_must_not_do(code: str, script: str) -> None:
    html = doc(script=script)
    f = only(html, code)
    assert f.severity == "error" and f.line == line_of(html, script)


def test_meta_refresh() -> None:
    html = doc(head='<meta http-equiv="Refresh" content="2; url=https://example.com">')
    assert only(html, "meta-refresh").line == line_of(html, "Refresh")


NOT_NETWORK = [
    ("script", "const credit = 'Photo: https://example.com/photos/42';\ncaption.textContent = credit;"),
    ("script", "const site = 'https://framebyframe.fm'; title.textContent = site;"),
    ("script", "// see https://example.com/docs for the easing curve"),
    ("script", "const links = { href: 'https://example.com' }; label.textContent = links.href;"),
    ("script", "fetch('data:application/json,{\"a\":1}');"),
    ("script", "const h = location.hash; const q = window.location.search;"),
    ("script", "chart.data = 'Q1'; player.src = frames[i];"),
    ("script", "el.style.background = 'url(data:image/svg+xml;utf8,<svg/>)';"),
    ("body", '<img alt="" src="data:image/png;base64,iVBORw0KGgo=">'),
    ("body", '<img alt="" srcset="data:image/svg+xml,<svg>a,b</svg> 1x, data:image/png;base64,AA== 2x">'),
    ("body", '<div style="background:url(data:image/png;base64,AAAA)"></div>'),
    ("body", '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"></svg>'),
    ("body", '<svg><defs><linearGradient id="g"/></defs><rect fill="url(#g)"/><use href="#g"/></svg>'),
    ("body", '<a href="#top">top</a> <a href="mailto:hi@example.com">mail</a>'),
    ("body", "<p>Visit https://example.com for more (url(https://example.com) is just text)</p>"),
    ("body", '<img alt="" src="blob:https://example.com/uuid">'),
    ("body", '<!-- <img src="https://example.com/old.png"> -->'),
    ("head", "<style>\n@namespace svg url(http://www.w3.org/2000/svg);\n/* url(http://x) */\n</style>"),
    ("head", '<style>\n.q::before { content: "url(http://example.com)"; }\n</style>'),
    ("head", '<link rel="stylesheet" href="data:text/css,body{color:red}">'),
    ("head", '<meta property="og:image" content="https://example.com/og.png">'),
]


@pytest.mark.parametrize(("where", "markup"), NOT_NETWORK)
def test_urls_that_load_nothing(where: str, markup: str) -> None:
    assert codes(doc(**{where: markup})) == []


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="{{$LOGO}}" alt="">',
        '<div style="background: {{$BG}}"></div>',
        "<style>\nb { background: {{$BG}} }\n</style>",
    ],
)
def test_placeholders_in_urls_are_checked_with_their_values(markup: str) -> None:
    block = _vars('{"LOGO": "https://example.com/l.png", "BG": "url(https://example.com/bg.jpg)"}')
    html = doc(head=block, body=markup)
    assert codes(html) == ["external-url"]
    inline = {"LOGO": "data:image/png;base64,AA==", "BG": "url(data:image/png;base64,AA==)"}
    assert codes(html, variables=inline) == []


def test_noscript_content_is_never_loaded() -> None:
    assert codes(doc(body='<noscript><img src="https://example.com/pixel.gif" alt=""></noscript>')) == []


# -- variables ----------------------------------------------------------------------------------


def _vars(block: str) -> str:
    return f'<script type="application/json" id="hf-variables">{block}</script>'


def test_missing_variable() -> None:
    html = doc(head=_vars('{"TITLE": "Hi"}'), body="<h1>{{$TITLE}}</h1>\n<p>{{$HOST}} and {{$HOST}}</p>")
    f = only(html, "missing-variable")
    assert f.line == line_of(html, "{{$HOST}}") and "{{$HOST}}" in f.message


def test_request_variables_fill_placeholders() -> None:
    html = doc(body="<h1>{{$TITLE}}</h1>")
    assert codes(html) == ["missing-variable"]
    assert codes(html, variables={"TITLE": "Hi"}) == []


@pytest.mark.parametrize(
    ("block", "needle"),
    [
        ('{"TITLE": "Hi",\n "HOST": "Kira",}', '"HOST"'),
        ("{'TITLE': 'Hi'}", "{'TITLE'"),
        ('["TITLE"]', '["TITLE"]'),
    ],
)
def test_invalid_variables(block: str, needle: str) -> None:
    html = doc(head=_vars(block))
    f = only(html, "invalid-variables")
    assert f.line == line_of(html, needle)


@pytest.mark.parametrize("attrs", ['id="hf-variables"', 'type="text/javascript" id="hf-variables"'])
def test_variables_block_must_not_run_as_code(attrs: str) -> None:
    html = doc(head=f'<script {attrs}>{{"TITLE": "Hi"}}</script>', body="{{$TITLE}}")
    assert only(html, "invalid-variables").line == line_of(html, 'id="hf-variables"')


def test_variables_block_with_a_json_type_parameter_is_fine() -> None:
    block = '<script type="application/json; charset=utf-8" id="hf-variables">{"TITLE": "Hi"}</script>'
    assert codes(doc(head=block, body="{{$TITLE}}")) == []


def test_invalid_variable_name() -> None:
    f = only(doc(head=_vars('{"title": "Hi"}')), "invalid-variable-name")
    assert f.severity == "warning" and "TITLE" in f.message


@pytest.mark.parametrize("text", ["{{ $TITLE }}", "{{$title}}", "{{TITLE}}", "{{ $Title}}"])
def test_malformed_placeholder(text: str) -> None:
    html = doc(head=_vars('{"TITLE": "Hi"}'), body=f"<h1>{text}</h1>")
    f = only(html, "malformed-placeholder")
    assert f.severity == "warning" and "{{$TITLE}}" in f.message and f.line == line_of(html, text)


def test_placeholder_in_script() -> None:
    html = doc(head=_vars('{"TITLE": "Hi"}'), script='const title = "{{$TITLE}}";')
    f = only(html, "placeholder-in-script")
    assert f.severity == "warning" and f.line == line_of(html, "const title")


def test_braces_in_scripts_are_not_placeholders() -> None:
    assert codes(doc(script="const o = {{a: 1}}.a; const m = `{{name}}`;")) == []


# -- the report ---------------------------------------------------------------------------------


def test_findings_are_ordered_by_line_and_serialise() -> None:
    html = doc(doctype="", script="setTimeout(f);", body='<img src="logo.png" alt="">')
    report = check(html)
    assert [f.code for f in report.findings] == ["missing-doctype", "relative-url", "timer-call"]
    assert not report.ok and [f.code for f in report.errors] == ["missing-doctype", "timer-call"]
    assert [f.code for f in report.warnings] == ["relative-url"]
    data = report.to_dict()
    assert data["ok"] is False and data["findings"][0] == {
        "code": "missing-doctype",
        "severity": "error",
        "message": report.findings[0].message,
        "line": 1,
    }
    assert "line" not in Finding("x", "error", "m").to_dict()


def test_every_code_is_documented_with_its_severity() -> None:
    text = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| \[`([a-z-]+)`\]\(#[a-z-]+\) \| (error|warning) \|", text, re.MULTILINE))
    assert table == CODES
    for code, severity in CODES.items():
        assert re.search(rf"^#### `{code}`\n\*\*{severity}\.\*\*", text, re.MULTILINE), code


def test_messy_input_never_raises() -> None:
    pieces = [
        "<",
        ">",
        '"',
        "'",
        "`",
        "/",
        "*",
        "{",
        "}",
        "$",
        "(",
        ")",
        "[",
        "]",
        "\\",
        "\n",
        "a",
        "=",
        "<!--",
    ]
    for i in range(400):
        junk = "".join(pieces[(i * 7 + k * k) % len(pieces)] for k in range(i % 60))
        check(f"<!doctype html><html data-duration=1><script>{junk}</script>{junk}<style>{junk}")


# -- the tokenizer ------------------------------------------------------------------------------


def test_tokenizer_decodes_strings_and_nests_templates() -> None:
    lexed = tokenize("a = 'it\\'s \\x41\\u{1F600}'; b = `x${ {k: `in${c}`}.k }y` / 2; r = /[/]x/g")
    kinds = [(t.kind, t.value) for t in lexed.tokens]
    assert ("string", "it's A\U0001f600") in kinds
    assert ("template-head", "x") in kinds and ("template-head", "in") in kinds
    assert ("template-tail", "y") in kinds and ("punct", "/") in kinds and ("regex", "/[/]x/g") in kinds
    assert lexed.problems == []
