"""Pictures of a network (needs the ``plot`` extra: matplotlib, imported lazily).

- :func:`coverage_bars` — village coverage per town, as bars;
- :func:`coverage_over_time` — town and village coverage on a series of dates;
- :func:`site_tree` — the site tree of a county or town, coloured by kind, with
  the gaps (a town without an Institute, a village without a Station) marked;
- :func:`chain_diagram` — a responsibility chain, nearest first.

Each returns a :class:`matplotlib.figure.Figure` (no pyplot state, any
backend); :func:`save` writes it atomically as PNG or SVG. Chinese labels need
a CJK font: :func:`cjk_font` finds one installed (Noto Sans CJK, Source Han
Sans, WenQuanYi, SimHei, …); without one the pictures label with codes and ids
instead and a :class:`CJKFontWarning` says so — never boxes of tofu.
"""

from __future__ import annotations

import datetime as dt
import os
import warnings
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wenming._atomic import atomic_write
from wenming._extras import require
from wenming._fields import DateLike, as_date
from wenming.coverage_more import coverage_by, coverage_series
from wenming.divisions import DivisionLevel
from wenming.errors import InvariantError, quote
from wenming.network import Network
from wenming.sites import Site, SiteKind

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "CJK_FONTS",
    "CJKFontWarning",
    "chain_diagram",
    "cjk_font",
    "coverage_bars",
    "coverage_over_time",
    "save",
    "site_tree",
]

CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
    "AR PL UMing CN",
    "Droid Sans Fallback",
)
"""Font families tried, in order, for Chinese labels."""

KIND_COLOURS = {
    SiteKind.CENTRE: "#b2182b",
    SiteKind.INSTITUTE: "#ef8a62",
    SiteKind.STATION: "#67a9cf",
    SiteKind.POINT: "#999999",
}
GAP_COLOUR = "#d7191c"


class CJKFontWarning(UserWarning):
    """No CJK font is installed: pictures label with codes and ids instead of names."""


def _mpl() -> Any:
    return require("matplotlib", extra="plot", what="wenming.plot")


@cache
def cjk_font() -> str | None:
    """The first installed font family of :data:`CJK_FONTS`, or ``None``.

    Raises
    ------
    MissingExtraError
        matplotlib is not installed.
    """
    _mpl()
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


class _Labels:
    """Names when a CJK font is there; codes and ids (with one warning) when not."""

    def __init__(self) -> None:
        self.font = cjk_font()
        if self.font is None:
            warnings.warn(
                "no CJK font found (tried Noto Sans CJK, Source Han Sans, WenQuanYi, "
                "SimHei …): labelling with codes and ids instead of Chinese names; "
                "install one, e.g. apt-get install fonts-noto-cjk",
                CJKFontWarning,
                stacklevel=3,
            )

    def __call__(self, name: str, fallback: str) -> str:
        if self.font is not None or name.isascii():
            return name
        return fallback

    def figure(self, width: float, height: float) -> Figure:
        _mpl()
        from matplotlib.figure import Figure

        return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _style(fig: Figure, labels: _Labels) -> None:
    """Apply the CJK font to every text of the figure."""
    if labels.font is None:
        return
    from matplotlib.text import Text

    for text in fig.findobj(Text):
        assert isinstance(text, Text)
        text.set_fontfamily([labels.font, "DejaVu Sans"])


def save(fig: Figure, path: str | os.PathLike[str]) -> Path:
    """Write a figure atomically; the format comes from the suffix (``.png``, ``.svg``, ``.pdf``).

    Raises
    ------
    InvariantError
        Another suffix.
    FileAccessError
        The file cannot be written; nothing is left behind.
    """
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in ("png", "svg", "pdf"):
        raise InvariantError(
            f"cannot save a picture as {quote(str(path))}; use .png, .svg or .pdf",
            field="path",
            value=str(path),
        )
    return atomic_write(path, lambda handle: fig.savefig(handle, format=suffix))


# ---------------------------------------------------------------------------- coverage


def coverage_bars(
    network: Network, *, within: str | None = None, as_of: DateLike = None
) -> Figure:
    """Village coverage (Stations) per town, one bar per town; towns without an Institute in red.

    Examples
    --------
    >>> import warnings
    >>> from wenming.testing.factories import synthetic_network
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     fig = coverage_bars(synthetic_network(seed=1))
    >>> fig.axes[0].get_ylabel()
    'villages with a Station'
    """
    labels = _Labels()
    table = coverage_by(network, "town", as_of=as_of, within=within)
    rows = list(table)
    fig = labels.figure(max(6.0, 0.45 * len(rows) + 2), 4.5)
    ax = fig.add_subplot()
    xs = range(len(rows))
    heights = [r.villages_ratio or 0.0 for r in rows]
    colours = [KIND_COLOURS[SiteKind.STATION] if r.towns_covered else GAP_COLOUR for r in rows]
    ax.bar(xs, heights, color=colours)
    ax.set_xticks(list(xs), [labels(r.name, r.code) for r in rows], rotation=60, ha="right")
    ax.set_ylim(0, 1.05)
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_ylabel("villages with a Station")
    day = "" if table.as_of is None else f" on {table.as_of.isoformat()}"
    ax.set_title(f"Coverage per town{day} (red: no Institute)")
    _style(fig, labels)
    return fig


def coverage_over_time(
    network: Network, dates: Iterable[DateLike], *, within: str | None = None
) -> Figure:
    """Town and village coverage on each date, as lines.

    Examples
    --------
    >>> import warnings
    >>> from wenming.datasets import ziyang
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     fig = coverage_over_time(ziyang(), ["2019-01-01", "2023-08-01"])
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['towns (Institutes)', 'villages (Stations)']
    """
    labels = _Labels()
    series = coverage_series(network, dates, within=within)
    days = list(series.dates)
    fig = labels.figure(7, 4)
    ax = fig.add_subplot()
    for values, name, kind in (
        (series.towns_ratio, "towns (Institutes)", SiteKind.INSTITUTE),
        (series.villages_ratio, "villages (Stations)", SiteKind.STATION),
    ):
        ax.plot(
            days,  # type: ignore[arg-type]  # matplotlib plots dates
            [float("nan") if v is None else v for v in values],
            marker="o",
            label=name,
            color=KIND_COLOURS[kind],
        )
    if days:
        # The margins by hand, kept within the years a date holds (1 to 9999), where
        # matplotlib's own would run past them for dates near either end.
        first, last = min(days).toordinal(), max(days).toordinal()
        pad = max((last - first) // 20, 30)
        ax.set_xlim(
            dt.date.fromordinal(max(first - pad, 1)),  # type: ignore[arg-type]
            dt.date.fromordinal(min(last + pad, dt.date.max.toordinal())),  # type: ignore[arg-type]
        )
    ax.set_ylim(0, 1.05)
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_ylabel("coverage")
    ax.legend(loc="lower right")
    ax.set_title("Coverage over time")
    fig.autofmt_xdate()
    _style(fig, labels)
    return fig


# ---------------------------------------------------------------------------- site tree


def _tree_layout(children: dict[str, list[str]], root: str) -> dict[str, tuple[float, float]]:
    """Leaves side by side, parents centred over their children; depth downwards."""
    pos: dict[str, tuple[float, float]] = {}
    next_x = 0.0
    stack: list[tuple[str, int, bool]] = [(root, 0, False)]
    while stack:
        node, depth, done = stack.pop()
        kids = children.get(node, [])
        if not kids:
            pos[node] = (next_x, -depth)
            next_x += 1
        elif done:
            xs = [pos[k][0] for k in kids]
            pos[node] = ((min(xs) + max(xs)) / 2, -depth)
        else:
            stack.append((node, depth, True))
            stack.extend((k, depth + 1, False) for k in reversed(kids))
    return pos


def site_tree(network: Network, root: str, *, as_of: DateLike = None) -> Figure:
    """The site tree under a Centre or Institute, coloured by kind, gaps marked.

    A gap is a division with no site where one belongs: a town of the county
    without an Institute, a village of the town without a Station. Gaps are
    hollow red crosses under the site that should have them.

    Raises
    ------
    UnknownIdError
        No such site (or it does not exist on ``as_of``).

    Examples
    --------
    >>> import warnings
    >>> from wenming.datasets import ziyang
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     fig = site_tree(ziyang(), "centre-610924")
    >>> fig.axes[0].get_title()
    'Sites under 紫阳县新时代文明实践中心 (centre-610924)'
    """
    labels = _Labels()
    day = as_date(as_of)
    top = network.site(root)
    if not network.exists(root, day):
        from wenming.errors import UnknownIdError

        raise UnknownIdError("site", root, f"site {quote(root)} does not exist on {day}")
    sites: dict[str, Site] = {top.id: top}
    children: dict[str, list[str]] = {}
    for site in network.descendants(root, as_of=day):
        sites[site.id] = site
        assert site.parent is not None
        children.setdefault(site.parent, []).append(site.id)
    gaps: dict[str, tuple[str, str]] = {}  # gap node → (name, code)
    wanted = {SiteKind.CENTRE: DivisionLevel.TOWN, SiteKind.INSTITUTE: DivisionLevel.VILLAGE}
    kind_on = {DivisionLevel.TOWN: SiteKind.INSTITUTE, DivisionLevel.VILLAGE: SiteKind.STATION}
    for site in list(sites.values()):
        level = wanted.get(site.kind)
        if level is None:
            continue
        for division in network.divisions_within(site.division.short):
            if division.level is not level:
                continue
            has = any(s.kind is kind_on[level] for s in network.sites_on(division.code, as_of=day))
            if not has:
                node = f"gap:{division.code.short}"
                gaps[node] = (division.name, division.code.short)
                children.setdefault(site.id, []).append(node)
    pos = _tree_layout(children, top.id)
    width = max(6.0, 0.35 * sum(1 for n in pos if not children.get(n)) + 2)
    fig = labels.figure(min(width, 40.0), 5)
    ax = fig.add_subplot()
    for parent, kids in children.items():
        for kid in kids:
            (x0, y0), (x1, y1) = pos[parent], pos[kid]
            ax.plot(
                [x0, x1],
                [y0, y1],
                color="#bbbbbb",
                lw=0.8,
                zorder=1,
                ls="--" if kid in gaps else "-",
            )
    for kind in SiteKind:
        pts = [pos[s] for s in pos if s in sites and sites[s].kind is kind]
        if pts:
            ax.scatter(
                [p[0] for p in pts],
                [p[1] for p in pts],
                s=60,
                color=KIND_COLOURS[kind],
                label=kind.label,
                zorder=2,
                edgecolors="white",
            )
    if gaps:
        pts = [pos[g] for g in gaps]
        ax.scatter(
            [p[0] for p in pts],
            [p[1] for p in pts],
            s=60,
            marker="x",
            color=GAP_COLOUR,
            label="gap (no site)",
            zorder=3,
        )
    small = len(pos) <= 60
    for node, (x, y) in pos.items():
        if node in sites:
            site = sites[node]
            if site.kind is SiteKind.POINT or not (small or site.kind is not SiteKind.STATION):
                continue
            text = labels(site.name, site.id)
        elif small:
            text = labels(*gaps[node])
        else:
            continue
        ax.annotate(
            text,
            (x, y),
            xytext=(0, -9),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=7,
            rotation=90 if y <= -1 else 0,
        )
    ax.set_axis_off()
    ax.legend(loc="upper right", fontsize=8)
    ax.set_title(f"Sites under {labels(top.name, top.id)} ({top.id})")
    _style(fig, labels)
    return fig


# ---------------------------------------------------------------------------- chain


def chain_diagram(network: Network, site: str, *, as_of: DateLike = None) -> Figure:
    """A responsibility chain as a diagram: one row per entry, gaps in red.

    Examples
    --------
    >>> import warnings
    >>> from wenming.datasets import ziyang
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     fig = chain_diagram(ziyang(), "institute-610924101", as_of="2023-08-01")
    >>> len(fig.axes[0].texts) > 4
    True
    """
    from wenming.responsibility import responsibility_chain

    labels = _Labels()
    chain = responsibility_chain(network, site, as_of=as_of)
    entries = chain.entries
    fig = labels.figure(8, 0.7 * len(entries) + 1.5)
    ax = fig.add_subplot()
    n = len(entries)
    sites_seen: list[str] = []
    for i, e in enumerate(entries):
        y = n - i
        if e.site not in sites_seen:
            sites_seen.append(e.site)
        s = network.site(e.site)
        ax.text(
            0.0,
            y,
            labels(s.name, s.id),
            ha="left",
            va="center",
            fontsize=9,
            bbox={"boxstyle": "round", "fc": KIND_COLOURS[s.kind], "alpha": 0.3},
        )
        ax.annotate(
            "", xy=(0.42, y), xytext=(0.58, y), arrowprops={"arrowstyle": "->", "color": "#555555"}
        )
        rel = labels(f"{e.relation.zh} {e.relation.value}", e.relation.value)
        ax.text(0.5, y + 0.18, rel, ha="center", va="bottom", fontsize=8)
        if e.gap is not None:
            post = "" if e.post_name is None else labels(e.post_name, e.post or "") + ": "
            ax.text(
                0.6,
                y,
                f"{post}({e.gap.text})",
                ha="left",
                va="center",
                fontsize=9,
                color=GAP_COLOUR,
                bbox={"boxstyle": "round", "fc": "white", "ec": GAP_COLOUR},
            )
        else:
            who = labels(e.person_name or "", e.person or "")
            post = labels(e.post_name or "", e.post or "")
            ax.text(
                0.6,
                y,
                f"{post} — {who}",
                ha="left",
                va="center",
                fontsize=9,
                bbox={"boxstyle": "round", "fc": "#f0f0f0", "ec": "#999999"},
            )
    ax.set_xlim(-0.02, 1.3)
    ax.set_ylim(0.3, n + 0.7)
    ax.set_axis_off()
    gaps = "" if chain.complete else f" — {len(chain.gaps)} gap(s)"
    ax.set_title(f"Responsibility chain of {chain.site}, {chain.as_of.isoformat()}{gaps}")
    _style(fig, labels)
    return fig
