"""scripts/phoenix_groups.py: the converter of the field dictionary of armed groups."""
import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).parents[1] / "scripts" / "phoenix_groups.py"
spec = importlib.util.spec_from_file_location("phoenix_groups", SCRIPT)
phoenix = importlib.util.module_from_spec(spec)
spec.loader.exec_module(phoenix)

DICTIONARY = """# a header
KIVU_LIBERATION_FRONT_(KLF)_ [CODREB] # a note
+KIVU_FRONT_
+SHEIKH_ABDI_EXAMPLE
+NEW_ORDER_
+ZORBA_
ZEMBLA_ [CODREB]
+ZEMBLAN_RED_BRIGADES_
ORPHAN_ALIAS_WITHOUT_ENTRY
+KIVU_FRONT_
"""


def test_entries_keep_group_names_and_bracketed_acronyms():
    groups = {g["name"]: g["aliases"] for g in phoenix.convert(DICTIONARY)}
    assert groups["Kivu Liberation Front"] == ["KLF"]
    assert groups["Zembla"] == ["Zemblan Red Brigades"]


def test_people_everyday_names_and_shared_names_are_dropped():
    names = {n for g in phoenix.convert(DICTIONARY) for n in (g["name"], *g["aliases"])}
    assert not names & {"Sheikh Abdi Example", "New Order", "Zorba", "Kivu Front"}
