"""Extraction of the HTML document from realistic, messy model answers."""

from __future__ import annotations

import json

import pytest

from service.generation.extract import NO_HTML, TRUNCATED_HTML, extract_html

DOC = """<!doctype html>
<html data-duration="3" data-aspect="16:9">
<head><style>body { background: #000; }</style></head>
<body><h1>Hi</h1>
<script>addEventListener('hf-seek', e => {});</script>
</body>
</html>"""


def test_fenced_html_block_with_prose_around() -> None:
    answer = f"Here's your title card! 🎬\n\n```html\n{DOC}\n```\n\nLet me know if you want changes."
    assert extract_html(answer).html == DOC + "\n"


def test_plain_fence_without_language_and_tilde_fence() -> None:
    assert extract_html(f"```\n{DOC}\n```").html == DOC + "\n"
    assert extract_html(f"~~~html\n{DOC}\n~~~").html == DOC + "\n"


def test_bare_document_with_prose_on_both_sides() -> None:
    answer = f"Sure — the composition follows.\n{DOC}\nIt uses render(t) for everything; the <html> root sets the timing."
    result = extract_html(answer)
    assert result.html == DOC + "\n"
    assert result.findings == []


def test_bare_document_alone_and_crlf_line_endings() -> None:
    assert extract_html(DOC).html == DOC + "\n"
    assert extract_html(DOC.replace("\n", "\r\n")).html == DOC + "\n"


def test_multiple_fences_picks_the_full_document() -> None:
    answer = (
        "First the idea, as CSS:\n```css\nh1 { color: orange; }\n```\n"
        f"And the whole thing:\n```html\n{DOC}\n```\n"
        "To run it, open it:\n```bash\nseekreel render page.html -o out.mp4\n```\n"
    )
    assert extract_html(answer).html == DOC + "\n"


def test_two_full_documents_picks_the_last() -> None:
    second = DOC.replace("Hi", "Better")
    answer = f"Draft:\n```html\n{DOC}\n```\nActually, this version is better:\n```html\n{second}\n```"
    assert "Better" in extract_html(answer).html


def test_fragment_before_the_document_is_ignored() -> None:
    answer = f"The heading is `<h1>{{{{$TITLE}}}}</h1>`:\n```html\n<h1>x</h1>\n```\nFull page:\n```html\n{DOC}\n```"
    assert extract_html(answer).html == DOC + "\n"


def test_uppercase_doctype_and_leading_comment_inside_fence() -> None:
    doc = DOC.replace("<!doctype html>", "<!DOCTYPE HTML>")
    answer = f"```HTML\n<!-- generated -->\n{doc}\n```"
    assert extract_html(answer).html == doc + "\n"


def test_document_without_doctype_is_returned_for_the_validator_to_judge() -> None:
    doc = DOC.removeprefix("<!doctype html>\n")
    assert extract_html(f"```html\n{doc}\n```").html == doc + "\n"


def test_fence_broken_by_backticks_inside_the_script() -> None:
    doc = DOC.replace("<script>", "<script>\nconst s = `\n```\n`;\n")
    answer = f"```html\n{doc}\n```\nDone."
    assert extract_html(answer).html == doc + "\n"


def test_trailing_prose_mentioning_closing_tag_is_not_part_of_the_document() -> None:
    answer = DOC + "\nNote: everything lives inside </html>, nothing after it."
    assert extract_html(answer).html == DOC + "\n"


def test_html_inside_a_script_string_does_not_split_the_document() -> None:
    doc = DOC.replace("<script>", "<script>const sample = '<!doctype html><html><body>';")
    assert extract_html(f"Here you go:\n{doc}\nBye").html == doc + "\n"
    assert extract_html(f"```html\n{doc}\n```").html == doc + "\n"


def test_a_doctype_mentioned_in_prose_before_a_bare_document() -> None:
    answer = f"Remember that `<!doctype html>` must come first. Here it is:\n{DOC}\n"
    assert extract_html(answer).html == DOC + "\n"


def test_think_block_with_snippets_is_skipped() -> None:
    answer = f"<think>Maybe <html><body>draft</body></html>? No.</think>\n```html\n{DOC}\n```"
    assert extract_html(answer).html == DOC + "\n"


def test_json_answer_with_the_document_in_a_string() -> None:
    answer = json.dumps({"html": DOC, "notes": "done"})
    assert extract_html(answer).html == DOC + "\n"
    assert extract_html(f"```json\n{answer}\n```").html == DOC + "\n"


def test_missing_closing_html_but_closed_body_counts_as_complete() -> None:
    doc = DOC.removesuffix("\n</html>")
    assert extract_html(f"```html\n{doc}\n```").html == doc + "\n"


@pytest.mark.parametrize(
    "answer",
    [
        f"```html\n{DOC[:180]}",  # cut off inside an unclosed fence
        DOC[:150],  # cut off, bare
    ],
)
def test_truncated_answer_gives_a_truncated_finding(answer: str) -> None:
    result = extract_html(answer, hit_output_limit=True)
    assert result.html is None
    assert [f.code for f in result.findings] == [TRUNCATED_HTML]
    assert result.findings[0].severity == "error"
    assert "output limit" in result.findings[0].message


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        ("I'm sorry, I can't help with that.", "no HTML document"),
        ("", "empty"),
        ("```html\n<div class='title'>Hello</div>\n```", "fragment"),
        (None, "empty"),
    ],
)
def test_no_html_gives_a_clear_finding(answer: str | None, hint: str) -> None:
    result = extract_html(answer)
    assert result.html is None
    assert [f.code for f in result.findings] == [NO_HTML]
    assert hint in result.findings[0].message
