"""Render the pictures of docs/tutorial-notebook.md into docs/img/ (needs the plot extra).

Run: python scripts/render_docs_images.py
"""

from __future__ import annotations

from pathlib import Path

from wenming import plot
from wenming.datasets import ziyang
from wenming.testing.factories import synthetic_network

OUT = Path(__file__).resolve().parent.parent / "docs" / "img"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    county = synthetic_network(seed=7)
    centre = next(county.iter_sites("centre"))
    town = next(county.iter_sites("institute"))
    plot.save(plot.coverage_bars(county), OUT / "coverage-per-town.png")
    dates = [f"{year}-01-01" for year in range(2016, 2025)]
    plot.save(plot.coverage_over_time(county, dates), OUT / "coverage-over-time.png")
    plot.save(plot.site_tree(county, town.id), OUT / "site-tree-town.png")
    plot.save(plot.site_tree(county, centre.id), OUT / "site-tree-county.png")
    zy = ziyang()
    plot.save(
        plot.chain_diagram(zy, "institute-610924101", as_of="2023-08-01"),
        OUT / "chain.png",
    )
    for path in sorted(OUT.glob("*.png")):
        print(path.relative_to(OUT.parent.parent))


if __name__ == "__main__":
    main()
