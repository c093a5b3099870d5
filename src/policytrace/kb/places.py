"""Places below the province that a Chinese title names (海阳核电厂, 督办的函（晋中）).

A ministry's letter about one plant or one city is filed as national by the libraries that collect
it (all 1,260 MEE documents of the shared merged file): read as national, it was offered to every
province's nodes. jieba's part-of-speech tagger finds the place names (`ns`) and the gazetteer
resolves them; a word that is also a common word (合作 in 南南合作) is tagged otherwise, which a
plain match of the gazetteer's short names cannot tell.
"""

from __future__ import annotations

import logging
from functools import cache

from .. import regions


@cache
def _tagger():
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)   # its dictionary-loading notes are not the user's business
    return jieba.posseg


def local_places(text: str) -> tuple[str, ...]:
    """Codes of the prefectures and counties `text` names, in order, without repeats."""
    codes = []
    for word, flag in _tagger().lcut(text):
        if flag == "ns" and (found := regions.find(word)) is not None and found.level in ("prefecture", "county"):
            # a county only by its full name: 新建 (new), 南海 (the South China Sea) and 番禺 (an offshore
            # field's name) are also what the gazetteer reads as 新建区, 南海区 and 番禺区
            if found.level == "prefecture" or word in (found.name_zh, found.short_zh):
                codes.append(found.code)
    return tuple(dict.fromkeys(codes))
