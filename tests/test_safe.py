from pipeline.text import clean_text, md_inline, terminal_text


def test_markdown_injection_is_inert():
    hostile = "# Head [link](http://evil.example) ![img](x.png) <script>alert(1)</script> *bold* `code` | cell"
    out = md_inline(hostile)
    for i, ch in enumerate(out):
        if ch in "[]()!<>*`|#_" and not out.startswith("&#", i - 1):
            assert out[i - 1] == "\\", (ch, out[max(0, i - 10) : i + 10])
    assert "http://" not in out
    assert "evil" in out and "script" in out  # the words stay, only their power goes


def test_bare_urls_do_not_autolink():
    out = md_inline("exfiltrated to https://c2.example/drop and www.bad.example")
    assert "://" not in out and "www." not in out


def test_escapes_and_invisible_characters_are_removed():
    text = "red\x1b[31m text\x1b]0;title\x07 \u202eevil\u200b zero\x00 bell\x07"
    for out in (clean_text(text), terminal_text(text), md_inline(text)):
        assert "\x1b" not in out and "\u202e" not in out and "\u200b" not in out and "\x00" not in out
        assert "\x07" not in out


def test_terminal_text_is_one_line_and_bounded():
    out = terminal_text("a\nb\n\n" + "x" * 5000, max_chars=100)
    assert "\n" not in out and len(out) <= 100
