"""One client address for the fair queue and the class board: X-Forwarded-For counts only behind a trusted proxy."""
from types import SimpleNamespace


def request(forwarded: str, host: str = "10.0.0.5", session: str | None = "s1"):
    return SimpleNamespace(headers={"x-forwarded-for": forwarded}, client=SimpleNamespace(host=host),
                           session_hash=session)


def test_board_keys_ignore_a_forged_forwarded_for_unless_behind_a_trusted_proxy(monkeypatch):
    from board.endpoints import clients_of

    monkeypatch.delenv("SPACE_ID", raising=False)
    monkeypatch.setenv("EMBEDDING_LAB_TRUST_PROXY", "0")
    assert clients_of(request("1.2.3.4")) == ("session:s1", "address:10.0.0.5")  # a client cannot pick its address
    monkeypatch.setenv("EMBEDDING_LAB_TRUST_PROXY", "1")
    assert clients_of(request("1.2.3.4, 5.6.7.8")) == ("session:s1", "address:5.6.7.8")  # the hop the proxy added
    assert clients_of(request("", session=None)) == ("address:10.0.0.5",)
    assert clients_of(None) == ("address:unknown",)
