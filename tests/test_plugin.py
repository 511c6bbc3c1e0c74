"""The pytest plugin, as a downstream project sees it: pytester in a subprocess."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]


def test_the_fixtures_work_in_a_downstream_suite(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import wenming
        from wenming import SiteKind, coverage, validate

        def test_reference_network(wenming_network):
            assert wenming_network.name == "紫阳县"
            assert coverage(wenming_network).towns.full
            assert validate(wenming_network) == ()

        def test_a_fresh_copy_each_time(wenming_network):
            wenming_network.remove("point-610924100003-1")  # does not leak into the next test

        def test_a_fresh_copy_each_time_again(wenming_network):
            assert "point-610924100003-1" in wenming_network

        def test_factory(wenming_network_factory):
            a = wenming_network_factory(seed=3, counties=2)
            assert a.counts()[SiteKind.CENTRE] == 2
            assert a == wenming_network_factory(seed=3, counties=2)
            assert validate(a) == ()

        def test_ledger(wenming_ledger):
            import datetime as dt
            at = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
            wenming_ledger.open_accounts(["h1"], at=at, operator="t")
            assert wenming_ledger.balance("h1") == 100

        def test_sqlite_ledger(wenming_sqlite_ledger, tmp_path):
            assert wenming_sqlite_ledger.store.path.parent == tmp_path
            assert wenming_sqlite_ledger.store.path.exists()
            assert wenming_sqlite_ledger.verify() == ()
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=6)


def test_the_seed_option_changes_the_factorys_default(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_default_seed(wenming_network_factory, request):
            from wenming.testing.factories import synthetic_network
            seed = request.config.getoption("--wenming-seed")
            assert wenming_network_factory() == synthetic_network(seed=seed)
            assert seed == 7
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--wenming-seed", "7")
    result.assert_outcomes(passed=1)


def test_the_division_table_fixture_skips_without_tables_and_reads_them_with(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tables import TABLES

    pytester.makepyfile(
        """
        def test_table(wenming_division_table):
            assert wenming_division_table["610924"].name == "紫阳县"
            assert len(wenming_division_table) > 44_000
        """
    )
    monkeypatch.setenv("WENMING_DATA", str(pytester.path / "empty"))
    monkeypatch.delenv("WENMING_DIVISIONS", raising=False)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*no national division tables*wenming divisions fetch*"])
    if TABLES.is_dir():
        monkeypatch.setenv("WENMING_DIVISIONS", str(TABLES))
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
        result.assert_outcomes(passed=1)


def test_the_fixtures_are_listed(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("--fixtures", "-p", "no:cacheprovider")
    for name in (
        "wenming_network",
        "wenming_network_factory",
        "wenming_ledger",
        "wenming_sqlite_ledger",
        "wenming_division_table",
    ):
        result.stdout.fnmatch_lines([f"*{name}*"])
