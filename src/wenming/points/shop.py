"""The points store (积分超市): items with a price in points, and their stock.

Redeeming posts a :class:`~wenming.points.entries.Redeem` entry and takes the
items off the shelf in one atomic step (:meth:`wenming.points.Ledger.redeem`).

Examples
--------
>>> soap = Item(code="soap", name="洗衣皂 laundry soap", price=5)
>>> StockLine(item=soap, stock=40).stock
40
"""

from __future__ import annotations

import attrs

from wenming._fields import text
from wenming.points._checks import identifier, whole

__all__ = ["STOCK_LIMIT", "Item", "StockLine"]


STOCK_LIMIT = 10**12
"""The most items of one kind :meth:`~wenming.points.Ledger.add_stock` puts on a shelf
(far inside what a SQLite integer holds); a stock already in a file is read whatever
its size."""


def _price(value: object) -> int:
    return whole("price", value, low=1)


def _stock(value: object) -> int:
    return whole("stock", value, low=0)


@attrs.frozen(kw_only=True)
class Item:
    """Goods in the points store.

    Parameters
    ----------
    code : str
        A short stable code (``"soap"``).
    name : str
        What the shelf label says.
    price : int
        Points for one of it (at least 1).
    """

    code: str = attrs.field(validator=identifier)
    name: str = attrs.field(validator=text)
    price: int = attrs.field(converter=_price)


@attrs.frozen(kw_only=True)
class StockLine:
    """An item and how many of it are on the shelf."""

    item: Item
    stock: int = attrs.field(converter=_stock)
