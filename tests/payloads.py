"""Hostile text for the injection tests: markup and roles that must show as text, never run."""

from __future__ import annotations

# One line that tries HTML, a MyST role, emphasis and a link at once.
HOSTILE = "<script>alert('x')</script> {cite:p}`nobody2099` **not bold** [link](https://example.org)"

# Each payload goes into every kind of free-text field; none may become live markup.
PAYLOADS = [
    HOSTILE,
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "{raw}`<script>alert(2)</script>`",
    "$x^$ and $$\\frac{1}{0}$$",
    "``` {raw} html\n<script>alert(3)</script>\n```",
    ":::{raw} html\n<b>raw</b>\n:::",
    "<!-- comment --> &lt;script&gt; </div></main>",
    "{{ jinja }} {% if %} ${template}",
]
