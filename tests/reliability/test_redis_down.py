"""Redis down (our own redis-server, killed; the machine's Redis is left alone): pages that need no queue
keep working, login keeps working, and a mail that cannot be queued is sent at once instead of lost."""

import json
import time

import pytest
import redis
from django.core import mail

from portero.celery import app
from tests.conftest import two_factor_login

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def on_own_redis(own_redis, settings, monkeypatch):
    """Cache and Celery broker on our own Redis, tasks really queued (not run eagerly)."""
    settings.REDIS_URL = own_redis.url
    settings.CACHES = {"default": {"BACKEND": "portero.cache.ResilientRedisCache", "LOCATION": own_redis.url}}
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setitem(app.conf, "broker_url", own_redis.url)
    monkeypatch.setitem(app.conf, "broker_transport_options", {"socket_connect_timeout": 1})
    fresh_connections()
    yield own_redis
    fresh_connections()


def fresh_connections():
    """Celery keeps its broker connections and producers; drop them so the next task uses the current broker."""
    app._pool = None  # noqa: SLF001
    app.amqp._producer_pool = None  # noqa: SLF001


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_with_redis_up_the_mail_is_queued_not_sent_in_the_request(on_own_redis, client, user_a):
    response = client.post("/wachtwoord/aanvragen/", {"username": user_a.username}, HTTP_X_REQUEST_ID="req-queued-01")
    assert response.status_code == 302
    assert mail.outbox == []  # it waits on the queue for a worker
    queued = redis.Redis.from_url(on_own_redis.url)
    assert queued.llen("celery") == 1
    message = json.loads(queued.lindex("celery", 0))
    # The worker's log line for this task will carry the request's id (portero/logging.py).
    assert message["headers"]["portero_request_id"] == "req-queued-01"
    assert any(b"ratelimit:pwreq" in key for key in queued.keys())  # the limits are counted in Redis


def test_redis_down_pages_login_and_mail_keep_working(on_own_redis, client, user_a, password, sms_outbox):
    on_own_redis.kill()

    response, seconds = timed(lambda: client.get("/inloggen/"))
    assert response.status_code == 200 and seconds < 3

    response, seconds = timed(lambda: two_factor_login(client, user_a.username, password, sms_outbox))
    assert response.status_code == 302 and seconds < 10
    assert client.get("/aanvragen/").status_code == 200  # logged in, on a page that needs no queue

    client.logout()
    response, seconds = timed(lambda: client.post("/wachtwoord/aanvragen/", {"username": user_a.username}, follow=True))
    assert response.status_code == 200 and seconds < 10
    assert "wachtwoord" in response.content.decode().lower()
    (message,) = mail.outbox  # sent at once instead of lost
    assert message.to == [user_a.email] and "/wachtwoord/instellen/" in message.body

    assert client.get("/healthz").status_code == 503  # the load balancer and monitoring do see it


def test_the_cache_reuses_one_redis_client_instead_of_building_one_per_call(on_own_redis):
    from django.core.cache import cache

    cache.set("portero:test:reuse", 1)
    client = cache._cache.get_client()  # noqa: SLF001 - Django's own client object, the one being changed
    assert cache.get("portero:test:reuse") == 1
    assert cache._cache.get_client(write=True) is client  # noqa: SLF001 - one server: one pool, one client
    assert client.get(cache.make_and_validate_key("portero:test:reuse")) is not None
