"""A client a subclass builds for SDK calls its base class makes in another module (griptape 0.21.0's Azure DALL-E
driver): the plan's repo-wide facts carry those calls to the subclass's module, where OAI001 keeps a client whose
every call is one vLLM does not serve on OpenAI, and notes the others."""

from __future__ import annotations

from migrate.rewrite import apply_plan, plan_rewrite
from tests.rewrite.conftest import CONFIG, make_tree

BASE = """\
import openai


class ImageDriver:
    client: openai.OpenAI

    def draw(self, prompt):
        return self.client.images.generate(prompt=prompt, model="dall-e-3")


class ChatDriver:
    def ask(self, q):
        return self.client.chat.completions.create(model="gpt-3.5-turbo", messages=[])

    def draw(self, prompt):
        return self.client.images.generate(prompt=prompt)
"""

SUBCLASSES = """\
import openai
from attr import Factory, define, field

from drivers.base import ChatDriver, ImageDriver


@define
class MyImageDriver(ImageDriver):
    client: openai.OpenAI = field(default=Factory(lambda self: openai.OpenAI(api_key=self.api_key), takes_self=True))


class MyChatDriver(ChatDriver):
    def __init__(self, key):
        self.client = openai.OpenAI(api_key=key)
"""


def test_a_client_built_for_a_base_class_in_another_module(tmp_path):
    root = make_tree(tmp_path, {"drivers/__init__.py": "", "drivers/base.py": BASE, "drivers/mine.py": SUBCLASSES})
    plan = plan_rewrite([root], config=CONFIG)
    mine = next(c for c in plan.changes if c.path == "drivers/mine.py")
    after = mine.after
    # only images.generate goes through the image driver's client: it stays on OpenAI, pinned to the upstream
    image_driver = after.split("class MyImageDriver", 1)[1].split("class MyChatDriver", 1)[0]
    assert 'base_url=os.environ.get("OPENAI_UPSTREAM_BASE_URL", "https://api.openai.com/v1")' in image_driver
    # the chat driver's client moves to vLLM, with a note on the image call its base class makes through it
    items = [(rule, message) for path, _, rule, message in _review(plan) if path == "drivers/mine.py"]
    assert any(rule == "OAI001" and "this client only calls what vLLM does not serve (images.generate)" in message
               for rule, message in items), items
    assert any(rule == "OAI001" and message.startswith("a base class of MyChatDriver in another module calls "
                                                       "images.generate (POST /v1/images/generations) through "
                                                       "self.client") for rule, message in items), items
    chat_driver = after.split("class MyChatDriver", 1)[1]
    assert 'base_url=os.environ.get("OPENAI_BASE_URL", "http://localhost:8000/v1")' in chat_driver
    apply_plan(plan)
    assert plan_rewrite([root], config=CONFIG).changes == (), "a second run changes nothing"
    # a tree without the subclasses' module: nothing is said about the base class's clients
    (root / "drivers" / "mine.py").unlink()
    (root / "drivers" / "base.py").write_text(BASE)
    alone = plan_rewrite([root], config=CONFIG)
    assert not [item for item in alone.review if "base class" in item.message]


def _review(plan):
    for item in plan.review:
        yield item.path, item.line, item.rule, item.message


AZURE_SUBCLASS = """\
import openai
from attr import Factory, define, field

from drivers.base import ImageDriver


@define
class AzureImageDriver(ImageDriver):
    client: openai.AzureOpenAI = field(
        default=Factory(lambda self: openai.AzureOpenAI(api_key=self.api_key, api_version="2024-02-01",
                                                        azure_endpoint=self.endpoint), takes_self=True))
"""


def test_an_azure_client_built_only_for_a_base_classs_unserved_calls_stays_on_azure(tmp_path):
    # griptape 0.30.0's Azure DALL-E driver: converting its client would send every image request to vLLM
    root = make_tree(tmp_path, {"drivers/__init__.py": "", "drivers/base.py": BASE, "drivers/azure.py": AZURE_SUBCLASS})
    plan = plan_rewrite([root], config=CONFIG)
    assert "drivers/azure.py" not in {c.path for c in plan.changes}
    items = [(line, rule, message) for path, line, rule, message in _review(plan) if path == "drivers/azure.py"]
    assert items == [(10, "OAI002", "left alone: this Azure OpenAI client only calls what vLLM does not serve "
                                    "(images.generate): it stays on Azure OpenAI")], items
