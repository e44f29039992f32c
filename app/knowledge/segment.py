"""Chinese word segmentation for the search (jieba's search mode).

Chinese has no spaces between words, so neither PostgreSQL's parser nor SQLite's FTS5 can
find 挂号信 inside 国内挂号信资费. Titles, keywords and bodies are cut into words when an
article is saved, and a query is cut the same way when it is asked; the database then
matches words. Loading jieba's dictionary takes about a second, so it happens once per
process, on first use, under a lock (two first requests at once load it once), without
jieba's chatter on the console, and with its cache in the temporary folder rather than
next to the code."""
from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
from typing import Any

#: Words of the trade jieba's general dictionary cuts apart or does not know.
POSTAL_WORDS = (
    "挂号信", "平常信", "特快专递", "住房公积金", "公积金", "邮政编码", "报刊订阅", "包裹单",
    "代收货款", "邮资", "资费", "时限", "中国邮政", "邮政储蓄", "退休提取", "提取条件",
)
#: A word the search can use: letters or digits, nothing the query syntaxes treat specially.
WORD = re.compile(r"[^\W_]+")

_lock = threading.Lock()
_tokenizer: Any = None


def tokenizer() -> Any:
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                loaded = jieba.Tokenizer()
                loaded.tmp_dir = tempfile.gettempdir()
                loaded.cache_file = os.path.join(loaded.tmp_dir, "postline-jieba.cache")
                loaded.initialize()
                for word in POSTAL_WORDS:
                    loaded.add_word(word)
                _tokenizer = loaded
    return _tokenizer


def words(text: str) -> list[str]:
    """The words of ``text`` in search mode (long words also as their shorter parts),
    lower-cased, without punctuation, each once, in order."""
    found: dict[str, None] = {}
    for piece in tokenizer().lcut_for_search(text or ""):
        for word in WORD.findall(piece.lower()):
            found.setdefault(word, None)
    return list(found)


def token_column(text: str) -> str:
    """What a search column stores: the words between spaces, with a space at both ends
    (so that ``LIKE '% 挂号%'`` finds a word's beginning on any database)."""
    found = words(text)
    return f" {' '.join(found)} " if found else ""


def query_words(query: str) -> list[str]:
    """The words to look for. Single characters (的, 和) are dropped when the query has
    longer words: they would match nearly everything."""
    found = words(query)
    longer = [word for word in found if len(word) > 1]
    return longer or found
