"""Turn mixed Chinese/English text into the tokens the full-text index stores.

Chinese runs become overlapping character bigrams (新冠疫情 → 新冠 冠疫 疫情), the scheme of Lucene's
CJK analyzer; Latin words and numbers stay whole. We measured FTS5's trigram tokenizer first: it cannot
match a two-character word, and two characters is the usual length of the field's words (新冠, 双控,
限电, 停产), which then fell back to a full LIKE scan. Bigrams match them from the index, and a longer
word is a phrase of consecutive bigrams, so a query still means the exact substring.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9A-Za-z\u00c0-\u024f]+")
_CJK_START = "\u3400"


def tokens(text: str | None) -> list[str]:
    """Index tokens of `text`: bigrams of Chinese runs (a lone character stays), lower-case words."""
    out: list[str] = []
    for match in _TOKEN.finditer(text or ""):
        run = match.group()
        if run[0] >= _CJK_START:
            out.extend([run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)])
        else:
            out.append(run.lower())
    return out


def index_text(text: str | None) -> str:
    return " ".join(tokens(text))


def phrase(word: str) -> str | None:
    """An FTS5 phrase that matches `word` as a substring-like sequence, or None if it has no tokens. A lone Chinese
    character is a prefix of the bigrams it starts (煤 finds 煤炭 and 燃煤电厂's 煤电; only a run's last character
    escapes it): as a token of its own it had found nothing, the index holding bigrams."""
    parts = tokens(word)
    if len(parts) == 1 and len(parts[0]) == 1 and parts[0] >= _CJK_START:
        return f'"{parts[0]}"*'
    return '"' + " ".join(parts) + '"' if parts else None
