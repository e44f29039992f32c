"""Answers from the knowledge base on a work order's page, in one step.

The agent searches the knowledge base from the order's page and takes an article's answer
either as a note the customer may hear (read out when calling back) or into the result the
back office writes. Either way the use is counted (``record_use``), so the knowledge base's
"most used" list reflects what agents really give callers. Only a published article's
answer is taken: a draft or a retired article is nothing to tell a customer."""
from __future__ import annotations

from flask_babel import gettext as _

from app.auth.models import User
from app.knowledge.answers import answer_text, published_article, record_use
from app.knowledge.search import Hit, search
from app.tickets.models import COMMENT, TicketEntry, WorkOrder
from app.tickets.states import Refused, record

#: How many articles the order page offers for one search.
HITS = 5


def find_answers(query: str) -> list[Hit]:
    """The published articles best matching ``query`` (empty for an empty query)."""
    return search(query[:100], limit=HITS) if query.strip() else []


def answer_for(article_id: int) -> tuple[str, str]:
    """(title, answer) of a published article; :class:`Refused` otherwise."""
    try:
        article = published_article(article_id)
        return article.title, answer_text(article_id)
    except LookupError:
        raise Refused(_("This knowledge article is not published (any more): its answer cannot be used.")) from None


def insert_as_note(order: WorkOrder, user: User, article_id: int) -> TicketEntry:
    """The article's answer as a note the customer may hear, naming the article; counts the
    use and commits."""
    title, answer = answer_for(article_id)
    source = _("From the knowledge base: %(title)s", title=title)
    entry = record(order, user, COMMENT, action="knowledge", new=str(article_id), public=True,
                   text=f"{answer}\n（{source}）")
    record_use(article_id, user)
    return entry


def take_into_result(user: User, article_id: int) -> str:
    """The answer for the result form (prefilled, the person edits and saves it); counts the
    use and commits."""
    _title, answer = answer_for(article_id)
    record_use(article_id, user)
    return answer
