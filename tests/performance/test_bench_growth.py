"""bench/growth.py judges the jobs' growth from measurements at several scales, never from one projected linearly."""

import pytest

from bench.growth import exponent, growth


def report(scale, accounts, seconds):
    return {
        "scale": scale,
        "sizes": {"accounts": accounts},
        "jobs": [{"name": "expire_passwords, first night (backlog as seeded)", "django_s": seconds,
                  "sql_s": seconds, "rows": "(1, 2)"}],
    }  # fmt: skip


@pytest.mark.parametrize("k", [1.0, 1.25, 0.8])
def test_the_exponent_of_a_power_law_is_found(k):
    points = [(n, 3e-6 * n**k) for n in (97_500, 145_000, 240_000)]
    assert exponent(points) == pytest.approx(k)


def test_linear_work_passes_and_work_growing_as_n_to_the_1_3_fails():
    linear = growth([report(0.05, 100_000, 0.3), report(0.1, 200_000, 0.6), report(0.2, 400_000, 1.2)])
    assert linear[0]["exponent"] == 1.0 and linear[0]["spread"] == 0 and linear[0]["ok"]
    assert linear[0]["at_2m_s"] == 6.0  # 1.2 s × 5: carried with the measured exponent

    steeper = growth(
        [report(0.05, 100_000, 0.3), report(0.1, 200_000, 0.3 * 2**1.3), report(0.2, 400_000, 0.3 * 4**1.3)]
    )
    assert steeper[0]["exponent"] == 1.3
    assert steeper[0]["spread"] > 0.2 and not steeper[0]["ok"]


def test_a_regular_night_may_grow_slower_than_the_accounts_never_faster():
    def night(seconds):
        return [{**r, "jobs": [{**r["jobs"][0], "name": "deactivate_idle_accounts, regular night"}]} for r in seconds]

    slower = growth(night([report(0.05, 100_000, 0.04), report(0.1, 200_000, 0.05), report(0.2, 400_000, 0.06)]))
    assert slower[0]["exponent"] < 1 and slower[0]["ok"]
    faster = growth(night([report(0.05, 100_000, 0.04), report(0.1, 200_000, 0.1), report(0.2, 400_000, 0.25)]))
    assert faster[0]["exponent"] > 1 and not faster[0]["ok"]
