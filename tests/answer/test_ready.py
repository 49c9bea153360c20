"""ready.py: a settled process has the answers' domain data loaded and frozen out of the collector's way."""
import gc

from actorgraph.answer.ready import settle
from actorgraph.extract.lexicon import gazetteer


def test_settling_freezes_what_is_alive_then_collection_goes_on_for_what_comes_after():
    gc.unfreeze()
    try:
        settle()
        frozen = gc.get_freeze_count()
        assert frozen > 10_000, frozen
        assert gazetteer.cache_info().currsize == 1
        later = [[i] for i in range(1000)]
        assert gc.get_freeze_count() == frozen and gc.is_tracked(later[0])
    finally:
        gc.unfreeze()
