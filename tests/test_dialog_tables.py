"""The dialogs are declared as data (ACTIONS, STEPS, STEP_OF_ACTION in each intent module): these tests
keep the tables honest, so a state or a button cannot exist that the router does not know."""
from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from handlers import router
from handlers.postback import parse

REPO = Path(__file__).resolve().parents[1]


def _prefixes(module) -> tuple[str, ...]:
    return getattr(module, "PREFIXES", None) or (module.FLOW,)


def _set_steps(module) -> list[tuple[str, str, int]]:
    """(flow, step, line) of every `conversations.set_step(state, FLOW or "flow", "step", …)` in the module."""
    found = []
    for node in ast.walk(ast.parse(inspect.getsource(module))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "set_step" and len(node.args) >= 3:
            flow_arg, step_arg = node.args[1], node.args[2]
            flow = module.FLOW if isinstance(flow_arg, ast.Name) and flow_arg.id == "FLOW" else ast.literal_eval(flow_arg)
            found.append((flow, ast.literal_eval(step_arg), node.lineno))
    return found


@pytest.mark.parametrize("module", router.INTENTS, ids=lambda m: m.__name__)
def test_every_state_a_handler_sets_is_declared(module):
    declared = set(getattr(module, "STEPS", {})) | {(getattr(module, "FLOW", ""), step)
                                                    for step in getattr(module, "STEP_OF_ACTION", {}).values()}
    undeclared = [f"{module.__name__}:{line} sets {flow}/{step}" for flow, step, line in _set_steps(module)
                  if (flow, step) not in declared]
    assert undeclared == []


@pytest.mark.parametrize("module", router.INTENTS, ids=lambda m: m.__name__)
def test_every_action_name_belongs_to_its_module(module):
    prefixes = _prefixes(module)
    strangers = [name for name in module.ACTIONS if name.split(".")[0] not in prefixes]
    assert strangers == []
    assert set(getattr(module, "STEP_OF_ACTION", {})) <= set(module.ACTIONS)


def test_no_two_modules_own_a_prefix_and_no_action_is_defined_twice():
    owners: dict[str, str] = {}
    for module in router.INTENTS:
        for prefix in _prefixes(module):
            assert owners.setdefault(prefix, module.__name__) == module.__name__, prefix
    names = [name for module in router.INTENTS for name in module.ACTIONS]
    assert len(names) == len(set(names))


def test_aliases_lead_to_live_actions_and_shadow_none():
    for old, new in router.ALIASES.items():
        assert new in router.ACTIONS, new
        assert old not in router.ACTIONS, old


def test_every_button_the_code_builds_names_a_known_action():
    """A typo in build("…") would make a button that answers "expired"."""
    unknown = []
    for path in [*REPO.glob("handlers/**/*.py"), *REPO.glob("jobs/*.py"), *REPO.glob("bot/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "build"
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                name = node.args[0].value
                if name not in router.ACTIONS:
                    unknown.append(f"{path.relative_to(REPO)}:{node.lineno} {name}")
    assert unknown == []


def test_postback_data_parses_to_its_action():
    assert parse("a=closeout.ack&t=7") == ("closeout.ack", {"t": "7"})
