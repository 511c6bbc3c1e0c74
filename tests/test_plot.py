"""wenming.plot renders real pictures (skipped without matplotlib)."""

from __future__ import annotations

import struct
import sys
import warnings
from pathlib import Path

import pytest

from wenming._extras import MissingExtraError
from wenming.datasets import ziyang
from wenming.testing.factories import synthetic_network

pytest.importorskip("matplotlib")

from wenming import plot


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def not_blank(path: Path) -> bool:
    from matplotlib import image

    pixels = image.imread(str(path))
    return bool(pixels.std() > 0.01) and bool((pixels[..., :3] < 0.5).any())


@pytest.fixture(autouse=True)
def _quiet() -> None:
    warnings.simplefilter("ignore", plot.CJKFontWarning)


def test_coverage_bars(tmp_path: Path) -> None:
    out = plot.save(plot.coverage_bars(synthetic_network(seed=2)), tmp_path / "bars.png")
    width, height = png_size(out)
    assert width >= 600
    assert height == 450
    assert not_blank(out)


def test_coverage_over_time_and_svg(tmp_path: Path) -> None:
    fig = plot.coverage_over_time(synthetic_network(seed=2), ["2015-01-01", "2020-01-01"])
    out = plot.save(fig, tmp_path / "time.png")
    assert png_size(out) == (700, 400)
    assert not_blank(out)
    svg = plot.save(fig, tmp_path / "time.svg")
    assert svg.read_text("utf-8").lstrip().startswith("<?xml")


def test_site_tree_marks_gaps(tmp_path: Path) -> None:
    net = synthetic_network(seed=3)
    centre = next(net.iter_sites("centre"))
    out = plot.save(plot.site_tree(net, centre.id), tmp_path / "tree.png")
    assert png_size(out)[1] == 500
    assert not_blank(out)
    fig = plot.site_tree(ziyang(), "institute-610924101")
    legend = fig.axes[0].get_legend()
    assert legend is not None
    labels = [t.get_text() for t in legend.get_texts()]
    assert "Institute" in labels


def test_chain_diagram(tmp_path: Path) -> None:
    fig = plot.chain_diagram(ziyang(), "institute-610924101", as_of="2023-08-01")
    out = plot.save(fig, tmp_path / "chain.png")
    assert png_size(out)[0] == 800
    assert not_blank(out)


def test_save_refuses_other_formats_and_never_leaves_a_partial_file(tmp_path: Path) -> None:
    from wenming.errors import InvariantError

    fig = plot.coverage_over_time(ziyang(), ["2023-08-01"])
    with pytest.raises(InvariantError, match=r"use \.png, \.svg or \.pdf"):
        plot.save(fig, tmp_path / "x.gif")
    assert list(tmp_path.iterdir()) == []


def test_without_a_cjk_font_labels_fall_back_with_a_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(plot, "cjk_font", lambda: None)
    warnings.simplefilter("default", plot.CJKFontWarning)
    with pytest.warns(plot.CJKFontWarning, match="labelling with codes and ids"):
        fig = plot.site_tree(ziyang(), "centre-610924")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "institute-610924101" in texts
    assert all(t.isascii() for t in texts)


def test_a_cjk_font_is_used_when_installed() -> None:
    font = plot.cjk_font()
    if font is None:
        pytest.skip("no CJK font on this machine")
    fig = plot.site_tree(ziyang(), "centre-610924")
    assert any(font in t.get_fontfamily() for t in fig.axes[0].texts)
    assert any(not t.get_text().isascii() for t in fig.axes[0].texts)


def test_missing_matplotlib_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    plot.cjk_font.cache_clear()
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    try:
        with pytest.raises(MissingExtraError, match=r"install the 'plot' extra"):
            plot.coverage_over_time(ziyang(), ["2023-08-01"])
    finally:
        plot.cjk_font.cache_clear()


def test_missing_pandas_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from wenming.frames import to_frames

    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'wenming\[frames\]'") as info:
        to_frames(ziyang())
    assert info.value.extra == "frames"
    assert isinstance(info.value, ImportError)
