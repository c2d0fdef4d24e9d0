"""The models learned English: a message confidently in another language
gets no model score, and the rules alone judge it (policies/language.py)."""
from __future__ import annotations

import pytest

from policies import Message, evaluate, language


def rules(text: str) -> set[str]:
    return {f.rule for f in evaluate(Message(text=text))}


@pytest.mark.parametrize("text,lang", [
    ("Meine Aussage hat nichts mit dem Thema zu tun. Sie urteilen in Unkenntnis des Wortlauts, oder?", "de"),
    ("não é possível que sou o único idiota que lembra de algum meme aleatório do nada na rua", "pt"),
])
def test_sentences_in_other_languages_are_not_for_the_models(text, lang):
    assert language.language(text)[0] == lang
    assert language.models_cannot_read(text)


@pytest.mark.parametrize("text", [
    "you idiot",  # a few words are never sure of their language
    "kys",
    "What a freakin idiot",
    "how do I mount a volume in docker compose? the docs are not clear to me",
    '{"Networks": {"bridge": {"IPAMConfig": null, "Links": null}}}',  # no language at all
    "",
])
def test_english_short_text_and_code_stay_with_the_models(text):
    assert not language.models_cannot_read(text)


def test_a_model_only_finding_needs_a_language_the_model_read(monkeypatch):
    # Self-mockery in Portuguese ("I'm the only idiot who laughs alone at a
    # meme"): the English models call it hostile when they may score it.
    text = "não é possível que sou o único idiota que lembra de algum meme aleatório do nada na rua e já começo a rir"
    model_only = ("vulgar.hostile", "harassment.hostile")
    assert not rules(text) & set(model_only)
    monkeypatch.setattr(language, "models_cannot_read", lambda text: False)
    assert rules(text) & set(model_only)


def test_the_rules_still_judge_other_languages():
    # An English obscene word in a Portuguese sentence, and personal data.
    assert "vulgar.obscene" in rules("11 dias para a encomenda chegar e tem 12 fucking dias de Curitiba para Belém")
    assert "privacy.email" in rules("Für Rückfragen schreib gern an mareike.schulz@posteo.de, ich antworte heute noch.")


def test_without_py3langid_every_message_is_for_the_models(monkeypatch):
    monkeypatch.setattr(language, "_identifier", lambda: None)
    language.language.cache_clear()
    try:
        assert not language.models_cannot_read("Meine Aussage hat nichts mit dem Thema zu tun, oder?")
    finally:
        language.language.cache_clear()


@pytest.mark.parametrize("text", [
    "Ich habe den Bericht fertig und die Zahlen stimmen, alles ist gut und der Kunde ist zufrieden. "
    "Anyway, people like you ruin everything, just disappear",
    "Saudações do Rio de Janeiro, São Paulo e Belo Horizonte! you people are disgusting vermin",
])
def test_an_english_sentence_in_a_foreign_message_is_for_the_models(text):
    assert language.language(text)[1] >= language.SURE and language.language(text)[0] != "en"
    assert not language.models_cannot_read(text)
    assert rules(text) & {"harassment.hostile", "harassment.insult"}


def test_threads_asking_at_once_load_the_model_once(monkeypatch):
    import functools
    import threading
    import time

    loads = []
    real = language._load.__wrapped__

    def slow_load():
        loads.append(1)
        time.sleep(0.2)  # long enough for every thread to arrive while it loads
        return real()

    monkeypatch.setattr(language, "_load", functools.lru_cache(maxsize=1)(slow_load))
    language.language.cache_clear()
    try:
        threads = [threading.Thread(target=language.models_cannot_read,
                                    args=(f"Meine Aussage hat nichts mit dem Thema zu tun, Nummer {i}.",))
                   for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert loads == [1]
    finally:
        language.language.cache_clear()


SAMPLES = [
    "Meine Aussage hat nichts mit dem Thema zu tun. Sie urteilen in Unkenntnis des Wortlauts, oder?",
    "não é possível que sou o único idiota que lembra de algum meme aleatório do nada na rua",
    "how do I mount a volume in docker compose? the docs are not clear to me",
    "Je ne comprends pas pourquoi le conteneur redémarre toutes les cinq minutes.",
    "这个镜像太大了，有没有更小的基础镜像？",
    "Почему контейнер не видит переменные окружения?",
    "kys",
    '{"Networks": {"bridge": {"IPAMConfig": null}}}',
]


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    """The language model loaded afresh, with its cache in tmp_path."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    language._load.cache_clear()
    language.language.cache_clear()
    yield tmp_path
    language._load.cache_clear()
    language.language.cache_clear()


def _stock():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def test_the_unpacked_language_model_answers_as_py3langid_does(own_cache):
    first = language._identifier()  # unpacks py3langid's file, keeps a copy
    kept = list((own_cache / "modbot").glob("py3langid-*.npz"))
    assert len(kept) == 1 and not list((own_cache / "modbot").glob("*.tmp"))
    language._load.cache_clear()
    second = language._identifier()  # read from the copy
    stock = _stock()
    for text in SAMPLES:
        assert first.classify(text) == second.classify(text) == stock.classify(text), text


@pytest.mark.parametrize("damage", ["garbage", "truncated", "wrong_shapes", "not_writable"])
def test_a_damaged_or_unwritable_language_cache_falls_back_to_py3langid(own_cache, damage):
    import numpy as np
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    path = language.cache_file(MODEL_DIR / MODEL_FILE)
    if damage == "not_writable":  # the cache folder's place is taken by a file
        (own_cache / "modbot").write_text("not a folder")
    elif damage == "wrong_shapes":  # every part named, none of the right size
        path.parent.mkdir(parents=True)
        with path.open("wb") as fh:
            np.savez(fh, ptc=np.zeros((3, 2), np.float16), pc=np.zeros(5), classes=np.asarray(["en"]),
                     nextmove=np.zeros(4, np.uint32), row=np.zeros(2, np.uint16), output=np.zeros(7, np.int64),
                     typecodes=np.asarray(["I", "H"]))
    else:
        language._identifier()
        language._load.cache_clear()
        whole = path.read_bytes()
        path.write_bytes(b"PK\x03\x04 not a zip" if damage == "garbage" else whole[: len(whole) // 2])
    stock = _stock()
    ident = language._identifier()
    for text in SAMPLES:
        assert ident.classify(text) == stock.classify(text), text
    if damage != "not_writable":  # the damaged copy was replaced by a good one
        language._load.cache_clear()
        assert language._read_unpacked(path) is not None
