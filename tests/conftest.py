from __future__ import annotations

import pytest

from storage import open_db
from tests.fakeslack.server import FakeSlack
from tests.harness import populate, start_bench


@pytest.fixture
def fresh_db(tmp_path):
    db = open_db(tmp_path / "test.db")
    yield db
    db.conn.close()


@pytest.fixture
def fake_slack():
    fake = FakeSlack()
    populate(fake)
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def bench(fake_slack, tmp_path):
    """The app in HTTP mode with workers running, against the fake Slack."""
    b = start_bench(fake_slack, tmp_path / "modbot.db")
    yield b
    b.close()


@pytest.fixture(scope="module")
def shared_bench(tmp_path_factory):
    """One bench for a whole module of tests that leave nothing behind
    (hostile and malformed requests)."""
    fake = FakeSlack()
    populate(fake)
    fake.start()
    bench = start_bench(fake, tmp_path_factory.mktemp("shared") / "shared.db")
    yield bench
    bench.close()
    fake.stop()


@pytest.fixture
def make_bench(fake_slack, tmp_path):
    """Factory for a bench with options (no admin token, a config, ...)."""
    made = []

    def make(**kw):
        b = start_bench(fake_slack, tmp_path / f"modbot{len(made)}.db", **kw)
        made.append(b)
        return b

    yield make
    for b in made:
        b.close()
