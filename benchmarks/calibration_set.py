"""The labelled baseline/candidate pairs that the text gates are calibrated on (tests/data/calibration/pairs.jsonl).

    .venv/bin/python benchmarks/calibration_set.py          # rewrite tests/data/calibration/pairs.jsonl

Labels: `equivalent` (the same answer, formatted differently), `paraphrase` (the same facts, reworded),
`contradiction` (a fact changed), `omission` (a fact the user needs left out), `refusal` (the candidate
refuses where the baseline answered). The first two should pass a parity gate, the last three fail it.

No public paraphrase / contradiction data set installs from PyPI without a hub download at run time (SNLI,
MRPC, PAWS and the like are fetched by `datasets`), so the set is generated: hand-written answer families,
each with slots filled from small value lists, each family giving hand-written paraphrases, contradictions
(including ones no key-fact rule can see: antonyms, swapped order, before/after) and omissions. Formatting
variants and refusals are applied to every family. Deterministic (a fixed seed): the file is reproducible.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "calibration" / "pairs.jsonl"
SHOULD_PASS = ("equivalent", "paraphrase")
SHOULD_FAIL = ("contradiction", "omission", "refusal")

# Each family: a prompt, a baseline, paraphrases, contradictions and omissions, with {slots} filled from `values`
# (one dict per fill). Contradictions marked "~" change meaning without changing any number, name or ID.
FAMILIES: list[dict] = [
    {"prompt": "How should I take {drug}?",
     "values": [{"drug": "ibuprofen", "n": "200", "h": "6", "n10": "2000", "hw": "six"},
                {"drug": "amoxicillin", "n": "500", "h": "8", "n10": "5000", "hw": "eight"}],
     "base": "Take {n} mg of {drug} every {h} hours with food.",
     "para": ["Every {hw} hours, take {n} milligrams of {drug}, together with a meal.",
              "The dose is {n} mg of {drug}, taken with food once every {h} hours."],
     "contra": ["Take {n10} mg of {drug} every {h} hours with food.", "~Take {n} mg of {drug} every {h} hours on an empty stomach."],
     "omit": ["Take {drug} with food."]},
    {"prompt": "Where is my order?",
     "values": [{"id": "4521", "d1": "Monday", "d2": "Thursday"}, {"id": "88310", "d1": "Tuesday", "d2": "Friday"}],
     "base": "Your order #{id} shipped on {d1} and arrives {d2}.",
     "para": ["Order #{id} left our warehouse on {d1}; you should get it on {d2}.",
              "We shipped order #{id} on {d1}, and it will be delivered {d2}."],
     "contra": ["Your order #{id} has not shipped yet; it will ship next week.", "Your order #{id} shipped on {d2} and arrives {d1}."],
     "omit": ["Your order #{id} has shipped."]},
    {"prompt": "What does get_users return?",
     "values": [{"fn": "get_users", "what": "user ids"}, {"fn": "list_orders", "what": "order numbers"}],
     "base": "The function `{fn}` returns a list of {what}.",
     "para": ["`{fn}` gives back a list containing the {what}.", "Calling `{fn}` yields a list with the {what}."],
     "contra": ["The function `{fn}` returns a single one of the {what}.", "~The function `{fn}` returns nothing; it only prints the {what}."],
     "omit": ["The function `{fn}` returns a list."]},
    {"prompt": "What is the capital of {country}?",
     "values": [{"country": "Australia", "cap": "Canberra", "wrong": "Sydney"}, {"country": "Canada", "cap": "Ottawa", "wrong": "Toronto"},
                {"country": "Brazil", "cap": "Brasília", "wrong": "Rio de Janeiro"}],
     "base": "The capital of {country} is {cap}.",
     "para": ["{cap} is the capital city of {country}.", "{country}'s capital is {cap}."],
     "contra": ["The capital of {country} is {wrong}.", "~The capital of {country} is not {cap}; many people get this wrong."],
     "omit": ["{country} has a capital city, like every country."]},
    {"prompt": "What is your refund policy?",
     "values": [{"days": "30", "days2": "14", "dw": "thirty"}, {"days": "60", "days2": "90", "dw": "sixty"}],
     "base": "You can return any unopened item within {days} days for a full refund.",
     "para": ["Unopened items can be sent back within {dw} days and you get all your money back.",
              "We refund the full price of unopened items returned in the first {days} days."],
     "contra": ["You can return any unopened item within {days2} days for a full refund.",
                "~You can return any unopened item within {days} days for store credit only."],
     "omit": ["You can return unopened items for a refund."]},
    {"prompt": "How do I reset my password?",
     "values": [{"url": "https://example.com/reset", "url2": "https://example.org/reset", "min": "15"},
                {"url": "https://accounts.example.net/forgot", "url2": "https://example.net/forgot", "min": "30"}],
     "base": "Go to {url}, enter your email, and follow the link we send you. The link expires after {min} minutes.",
     "para": ["Open {url} and type in your email address; then click the link in the email we send. It is valid for {min} minutes.",
              "Visit {url}, give us your email, and use the link from our message within {min} minutes."],
     "contra": ["Go to {url2}, enter your email, and follow the link we send you. The link expires after {min} minutes.",
                "~Go to {url}, enter your email, and follow the link we send you. The link never expires."],
     "omit": ["Go to {url}, enter your email, and follow the link we send you."]},
    {"prompt": "How did revenue do last quarter?",
     "values": [{"pct": "12", "pct2": "21", "q": "Q3"}, {"pct": "4.5", "pct2": "5.4", "q": "Q1"}],
     "base": "Revenue grew {pct}% in {q}, driven mostly by subscriptions.",
     "para": ["In {q}, revenue rose by {pct} percent, mainly thanks to subscriptions.",
              "Subscriptions drove most of the {pct}% revenue growth in {q}."],
     "contra": ["Revenue grew {pct2}% in {q}, driven mostly by subscriptions.", "~Revenue fell {pct}% in {q}, driven mostly by subscriptions."],
     "omit": ["Revenue grew in {q}."]},
    {"prompt": "When is the meeting?",
     "values": [{"t": "3:30 pm", "t24": "15:30", "t2": "4:30 pm", "day": "Wednesday"}, {"t": "9:00 am", "t24": "09:00", "t2": "10:00 am", "day": "Friday"}],
     "base": "The meeting is on {day} at {t} in room B.",
     "para": ["We meet {day} at {t24}, room B.", "It's in room B, {day}, {t}."],
     "contra": ["The meeting is on {day} at {t2} in room B.", "~The meeting on {day} at {t} in room B was cancelled."],
     "omit": ["The meeting is in room B."]},
    {"prompt": "Does the API support streaming?",
     "values": [{"api": "Chat Completions API", "flag": "stream"}, {"api": "Responses API", "flag": "stream"}],
     "base": "Yes, the {api} supports streaming: set `{flag}` to true in the request.",
     "para": ["The {api} can stream its output if you pass `{flag}` as true.", "Streaming works with the {api}; just enable `{flag}` in your request."],
     "contra": ["No, the {api} does not support streaming.", "~Yes, the {api} supports streaming, but only in the dashboard, not from requests."],
     "omit": ["Yes, the {api} supports streaming."]},
    {"prompt": "How much does the plan cost?",
     "values": [{"p": "20", "p2": "25", "plan": "Pro"}, {"p": "99", "p2": "199", "plan": "Team"}],
     "base": "The {plan} plan costs ${p} per month, billed annually.",
     "para": ["It's {p} dollars a month for {plan}, with yearly billing.", "{plan} is ${p}/month when you pay for the year."],
     "contra": ["The {plan} plan costs ${p2} per month, billed annually.", "~The {plan} plan costs ${p} per month, billed monthly with no annual option."],
     "omit": ["The {plan} plan is billed annually."]},
    {"prompt": "How do I install the package?",
     "values": [{"pkg": "requests", "ver": "3.9", "ver2": "3.12"}, {"pkg": "numpy", "ver": "3.10", "ver2": "2.7"}],
     "base": "Run `pip install {pkg}`. It requires Python {ver} or later.",
     "para": ["Install it with `pip install {pkg}`; you need Python {ver} or newer.", "Use pip: `pip install {pkg}` (Python {ver}+ is required)."],
     "contra": ["Run `pip install {pkg}`. It requires Python {ver2} or later.", "~Run `pip install {pkg}`. It only works on Python versions before {ver}."],
     "omit": ["Run `pip install {pkg}`."]},
    {"prompt": "Is {food} safe for dogs?",
     "values": [{"food": "chocolate"}, {"food": "grapes"}],
     "base": "No. {Food} is toxic to dogs and can cause serious illness; contact a vet if your dog ate some.",
     "para": ["{Food} is poisonous for dogs and may make them very sick. If your dog has eaten it, call a veterinarian.",
              "Dogs must not eat {food}: it is toxic to them. Call your vet if it happens."],
     "contra": ["Yes. {Food} is safe for dogs in small amounts.", "~{Food} is a healthy treat for dogs; no need to call a vet."],
     "omit": ["No, {food} is not good for dogs."]},
    {"prompt": "What are the store's opening hours?",
     "values": [{"o": "9", "c": "6", "c2": "8", "day": "Sunday"}, {"o": "8", "c": "5", "c2": "7", "day": "Saturday"}],
     "base": "We are open from {o} am to {c} pm on weekdays and closed on {day}.",
     "para": ["Weekdays we open at {o} am and close at {c} pm; on {day} we are closed.", "Opening hours: {o} am-{c} pm Monday to Friday. Closed {day}."],
     "contra": ["We are open from {o} am to {c2} pm on weekdays and closed on {day}.", "~We are open from {o} am to {c} pm every day, including {day}."],
     "omit": ["We are open on weekdays."]},
    {"prompt": "How long does shipping take to {place}?",
     "values": [{"place": "Germany", "d": "3", "d2": "10", "dw": "three"}, {"place": "Japan", "d": "7", "d2": "2", "dw": "seven"}],
     "base": "Standard shipping to {place} takes {d} to 5 business days.",
     "para": ["Orders to {place} usually arrive in {dw} to five working days with standard shipping.",
              "With standard delivery, {place} gets its parcels in {d}-5 business days."],
     "contra": ["Standard shipping to {place} takes {d2} to 15 business days.", "~We do not ship to {place}."],
     "omit": ["We ship to {place}."]},
    {"prompt": "How do I sort a list in Python?",
     "values": [{"x": "items"}, {"x": "names"}],
     "base": "Use `sorted({x})` to get a new sorted list, or `{x}.sort()` to sort the list in place.",
     "para": ["`sorted({x})` returns a new list in order, while `{x}.sort()` sorts the original list itself.",
              "Call `{x}.sort()` to sort in place; `sorted({x})` gives you a sorted copy instead."],
     "contra": ["Use `{x}.sort()` to get a new sorted list, or `sorted({x})` to sort the list in place.",
                "Use `sort({x})` to get a new sorted list, or `{x}.order()` to sort the list in place."],
     "omit": ["Use `sorted({x})`."]},
    {"prompt": "Should I restart the server after changing the config?",
     "values": [{"svc": "nginx", "cmd": "nginx -s reload"}, {"svc": "the worker", "cmd": "systemctl restart worker"}],
     "base": "Yes, restart {svc} after editing the config: run `{cmd}`. Changes are not picked up until then.",
     "para": ["You need to restart {svc} once the config is edited (`{cmd}`); until you do, the changes are ignored.",
              "After changing the configuration, run `{cmd}` so {svc} picks up the new settings."],
     "contra": ["No, {svc} picks up config changes automatically; you do not need to restart it.",
                "~Yes, restart {svc} before editing the config, then the changes apply on their own."],
     "omit": ["Yes, restart {svc}."]},
    {"prompt": "Who wrote {book}?",
     "values": [{"book": "Pride and Prejudice", "author": "Jane Austen", "wrong": "Charlotte Brontë", "year": "1813"},
                {"book": "Moby-Dick", "author": "Herman Melville", "wrong": "Mark Twain", "year": "1851"}],
     "base": "{book} was written by {author} and published in {year}.",
     "para": ["{author} wrote {book}, which came out in {year}.", "Published in {year}, {book} is by {author}."],
     "contra": ["{book} was written by {wrong} and published in {year}.", "{book} was written by {author} and published in 1900."],
     "omit": ["{book} is a famous novel."]},
    {"prompt": "What's the weather tomorrow in {city}?",
     "values": [{"city": "Paris", "t": "18", "t2": "8", "r": "40"}, {"city": "Oslo", "t": "5", "t2": "15", "r": "70"}],
     "base": "Tomorrow in {city}: a high of {t} °C with a {r}% chance of rain.",
     "para": ["{city} will reach {t} degrees Celsius tomorrow, and there is a {r} percent chance of rain.",
              "Expect up to {t}°C in {city} tomorrow; rain is {r}% likely."],
     "contra": ["Tomorrow in {city}: a high of {t2} °C with a {r}% chance of rain.", "~Tomorrow in {city}: a high of {t} °C and no chance of rain at all."],
     "omit": ["Tomorrow in {city} it will be mild."]},
    {"prompt": "Can I cancel my subscription?",
     "values": [{"where": "Settings > Billing"}, {"where": "the Account page"}],
     "base": "Yes, you can cancel anytime from {where}. You keep access until the end of the billing period.",
     "para": ["You may cancel whenever you like in {where}; your access continues until the current period ends.",
              "Cancelling is possible at any time via {where}, and you can still use the service until your billing period is over."],
     "contra": ["No, subscriptions cannot be cancelled before the end of the contract.",
                "~Yes, you can cancel anytime from {where}. Your access stops immediately when you cancel."],
     "omit": ["Yes, you can cancel."]},
    {"prompt": "How much storage comes with the plan?",
     "values": [{"gb": "100", "unit": "GB", "unit2": "MB"}, {"gb": "2", "unit": "TB", "unit2": "GB"}],
     "base": "The plan includes {gb} {unit} of storage per user.",
     "para": ["Each user gets {gb} {unit} of storage with this plan.", "You get {gb}{unit} per user."],
     "contra": ["The plan includes {gb} {unit2} of storage per user.", "~The plan includes {gb} {unit} of storage shared by the whole team."],
     "omit": ["The plan includes storage."]},
    {"prompt": "Which port does the server listen on?",
     "values": [{"port": "8000", "port2": "8080", "var": "PORT"}, {"port": "5432", "port2": "5433", "var": "PGPORT"}],
     "base": "It listens on port {port} by default; set the `{var}` environment variable to change it.",
     "para": ["The default port is {port}. Change it with the `{var}` environment variable.", "By default it binds to {port}; override it through `{var}`."],
     "contra": ["It listens on port {port2} by default; set the `{var}` environment variable to change it.",
                "~It listens on port {port} and the port cannot be changed."],
     "omit": ["It listens on a port you can change."]},
    {"prompt": "When does the sale end?",
     "values": [{"date": "2024-12-31", "date2": "2024-11-30", "month": "December"}, {"date": "2025-03-15", "date2": "2025-04-15", "month": "March"}],
     "base": "The sale ends on {date} at midnight.",
     "para": ["The offer runs until midnight on {date}.", "Midnight, {date}, is when the sale is over."],
     "contra": ["The sale ends on {date2} at midnight.", "~The sale started on {date} at midnight."],
     "omit": ["The sale ends soon."]},
    {"prompt": "Is the feature available on the free plan?",
     "values": [{"feat": "SSO", "plan": "Enterprise"}, {"feat": "audit logs", "plan": "Business"}],
     "base": "No, {feat} is only available on the {plan} plan.",
     "para": ["{feat} is not part of the free plan; you need {plan}.", "Only the {plan} plan includes {feat}, so the free plan does not have it."],
     "contra": ["Yes, {feat} is available on every plan, including the free one.", "~No, {feat} is only available on the free plan."],
     "omit": ["No, it is not."]},
    {"prompt": "How do I connect to the database?",
     "values": [{"host": "db.internal", "user": "app", "port": "5432"}, {"host": "10.0.0.5", "user": "report", "port": "3306"}],
     "base": "Connect to {host} on port {port} as user `{user}`; the password is in the vault.",
     "para": ["Use host {host}, port {port}, user `{user}`. Get the password from the vault.",
              "The database is at {host}:{port}; log in as `{user}` with the password stored in the vault."],
     "contra": ["Connect to {host} on port {port} as user `admin`; the password is in the vault.",
                "~Connect to {host} on port {port} as user `{user}`; no password is needed."],
     "omit": ["Connect to {host}."]},
    {"prompt": "Summarise the incident.",
     "values": [{"svc": "checkout", "min": "45", "min2": "4", "cause": "an expired TLS certificate"},
                {"svc": "search", "min": "20", "min2": "200", "cause": "a full disk on the index node"}],
     "base": "The {svc} service was down for {min} minutes because of {cause}. It is fixed and no data was lost.",
     "para": ["For {min} minutes {svc} was unavailable, caused by {cause}; it's resolved now and no data was lost.",
              "{cause} took {svc} down for {min} minutes. Resolved, with no data loss."],
     "contra": ["The {svc} service was down for {min2} minutes because of {cause}. It is fixed and no data was lost.",
                "The {svc} service was down for {min} minutes because of {cause}. It is fixed, but some data was lost."],
     "omit": ["The {svc} service had an outage. It is fixed."]},
]

REFUSALS = [
    "I'm sorry, but I can't help with that request.",
    "I cannot provide that information.",
    "As an AI language model, I am not able to answer this.",
    "Sorry, I'm unable to assist with this.",
    "I must decline to answer that.",
    "Unfortunately, that's outside of what I can do here.",
    "I don't have access to that information, so I can't answer.",
]

# Hand-written pairs that are not variations of a family: longer answers, lists, code.
HAND_WRITTEN = [
    ("paraphrase", "Explain what a mutex is.",
     "A mutex is a lock that lets only one thread at a time enter a critical section. A thread acquires it before touching shared data and releases it afterwards.",
     "Think of a mutex as a lock: only one thread can hold it, so only one thread runs the protected code at once. You take the lock before using the shared data and give it back when done."),
    ("paraphrase", "How do I undo the last git commit but keep the changes?",
     "Run `git reset --soft HEAD~1`. The commit is removed and its changes stay staged.",
     "Use `git reset --soft HEAD~1`: it drops the last commit while keeping its changes in the staging area."),
    ("contradiction", "How do I undo the last git commit but keep the changes?",
     "Run `git reset --soft HEAD~1`. The commit is removed and its changes stay staged.",
     "Run `git reset --hard HEAD~1`. The commit is removed and its changes stay staged."),
    ("paraphrase", "List the steps to deploy.",
     "1. Build the image.\n2. Push it to the registry.\n3. Run the migration.\n4. Roll out the new version.",
     "First build the image and push it to the registry, then run the migration, and finally roll out the new version."),
    ("contradiction", "List the steps to deploy.",
     "1. Build the image.\n2. Push it to the registry.\n3. Run the migration.\n4. Roll out the new version.",
     "1. Build the image.\n2. Roll out the new version.\n3. Push it to the registry.\n4. Skip the migration."),
    ("omission", "List the steps to deploy.",
     "1. Build the image.\n2. Push it to the registry.\n3. Run the migration.\n4. Roll out the new version.",
     "1. Build the image.\n2. Push it to the registry.\n3. Roll out the new version."),
    ("paraphrase", "What's the difference between a list and a tuple in Python?",
     "Lists are mutable, so you can change them after creation; tuples are immutable. Tuples can be used as dictionary keys, lists cannot.",
     "A tuple cannot be modified once created, while a list can. Because they are immutable, tuples work as dict keys, which lists do not."),
    ("contradiction", "What's the difference between a list and a tuple in Python?",
     "Lists are mutable, so you can change them after creation; tuples are immutable. Tuples can be used as dictionary keys, lists cannot.",
     "Tuples are mutable, so you can change them after creation; lists are immutable. Lists can be used as dictionary keys, tuples cannot."),
    ("paraphrase", "Why is the sky blue?",
     "Sunlight is scattered by the molecules in the air, and shorter blue wavelengths scatter much more than red ones, so blue light reaches our eyes from every direction.",
     "Air molecules scatter sunlight, and blue light, having a shorter wavelength, is scattered far more than red; that scattered blue comes at us from all over the sky."),
    ("contradiction", "Why is the sky blue?",
     "Sunlight is scattered by the molecules in the air, and shorter blue wavelengths scatter much more than red ones, so blue light reaches our eyes from every direction.",
     "Sunlight is scattered by the molecules in the air, and longer red wavelengths scatter much more than blue ones, so the sky reflects the blue ocean."),
    ("equivalent", "Say hello.", "Hello! How can I help you today?", "Hello! How can I help you today?\n"),
    ("paraphrase", "Say hello.", "Hello! How can I help you today?", "Hi there! What can I do for you today?"),
    ("paraphrase", "Is 17 prime?", "Yes, 17 is a prime number: its only divisors are 1 and 17.", "Yes. 17 is prime, since nothing but 1 and 17 divides it."),
    ("contradiction", "Is 17 prime?", "Yes, 17 is a prime number: its only divisors are 1 and 17.", "No, 17 is not a prime number."),
    ("paraphrase", "Convert 5 km to miles.", "5 km is about 3.1 miles.", "That's roughly 3.1 miles."),
    ("contradiction", "Convert 5 km to miles.", "5 km is about 3.1 miles.", "5 km is about 8 miles."),
    ("paraphrase", "What HTTP status means not found?", "404 Not Found.", "The status code is 404."),
    ("contradiction", "What HTTP status means not found?", "404 Not Found.", "The status code is 403."),
    ("paraphrase", "Translate 'thank you' into French.", "'Thank you' in French is 'merci'.", "In French you say \"merci\"."),
    ("contradiction", "Translate 'thank you' into French.", "'Thank you' in French is 'merci'.", "In French you say \"gracias\"."),
    ("omission", "What are the side effects?",
     "Common side effects are nausea and headache. Stop taking it and see a doctor if you get a rash or trouble breathing.",
     "Common side effects are nausea and headache."),
    ("omission", "What do I need to bring?",
     "Bring your passport, the booking confirmation, and a credit card for the deposit.",
     "Bring your passport."),
    ("paraphrase", "What do I need to bring?",
     "Bring your passport, the booking confirmation, and a credit card for the deposit.",
     "You'll need a credit card for the deposit, your booking confirmation and your passport."),
    ("omission", "Explain the error.",
     "The request failed because the API key is missing. Set the OPENAI_API_KEY environment variable and retry.",
     "The request failed."),
    ("paraphrase", "Explain the error.",
     "The request failed because the API key is missing. Set the OPENAI_API_KEY environment variable and retry.",
     "No API key was sent, so the request was rejected. Export OPENAI_API_KEY and try again."),
]

FORMATS = [
    lambda s: f"Sure! {s}",
    lambda s: f"**{s}**",
    lambda s: s.replace(". ", ".\n\n"),
    lambda s: f"{s}\n",
    lambda s: f"Certainly. {s} Let me know if you need anything else.",
    lambda s: s.rstrip(".") + ".",
]


def _fill(template: str, values: dict[str, str]) -> str:
    extra = {k[0].upper() + k[1:]: v[0].upper() + v[1:] for k, v in values.items()}
    return template.format(**values, **extra)


def build(seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    rows: list[dict] = []

    def add(label: str, family: str, prompt: str, baseline: str, candidate: str, note: str = "") -> None:
        rows.append({"id": f"{family}-{len(rows):04d}", "family": family, "label": label, "prompt": prompt,
                     "baseline": baseline, "candidate": candidate, **({"note": note} if note else {})})

    for n, fam in enumerate(FAMILIES):
        name = f"f{n:02d}"
        for values in fam["values"]:
            base = _fill(fam["base"], values)
            prompt = _fill(fam["prompt"], values)
            for fmt in rng.sample(FORMATS, 2):
                add("equivalent", name, prompt, base, fmt(base))
            for para in fam["para"]:
                add("paraphrase", name, prompt, base, _fill(para, values))
            for contra in fam["contra"]:
                subtle = contra.startswith("~")
                add("contradiction", name, prompt, base, _fill(contra.lstrip("~"), values), "no key fact changed" if subtle else "")
            for omit in fam["omit"]:
                add("omission", name, prompt, base, _fill(omit, values))
            add("refusal", name, prompt, base, rng.choice(REFUSALS))
    for label, prompt, base, cand in HAND_WRITTEN:
        add(label, "hand", prompt, base, cand)
    return rows


def load(path: Path = OUT) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def main() -> None:
    rows = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["label"]] = counts.get(row["label"], 0) + 1
    print(f"{len(rows)} pairs -> {OUT.relative_to(ROOT)}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main()
