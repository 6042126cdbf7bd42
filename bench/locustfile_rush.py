"""Load profile of bench/rush.py: candidates in the last minutes before the deadline.

Each simulated candidate takes one of the prepared complete drafts, logs in, opens
the project step, autosaves three times, saves, opens the last step, submits twice
at once (a double click) and reads the receipt; then stops. When every candidate
is done, the run ends.
"""

import itertools
import json
import os
import random
import re

import gevent
from load_client import PROXY, log_in  # locust puts this folder on the path
from locust import HttpUser, between, task
from locust.exception import StopUser

CANDIDATES = json.loads(open(os.environ["QMI_RUSH_CANDIDATES"]).read())  # noqa: SIM115, PTH123
NEXT = itertools.count()
DONE = itertools.count(1)
# The whole project step, as the page's autosave posts it.
PROJECT = {
    "summary": "Un service de quartier.",
    "solution": "Des vélos cargos partagés.",
    "novelty": "Une flotte mutualisée.",
    "maturity": "prototype",
}
VERSION = re.compile(r'name="version" value="(\d+)"')
# Seconds between two actions of a candidate (QMI_RUSH_PACE; each pause drawn between
# half and one and a half times it). The page autosaves 2 s after the last keystroke,
# so a person typing, reading and ticking boxes acts every few seconds at most;
# 0.5 is a burst no person produces (every candidate's 9 requests in about 5 s).
PACE = float(os.environ.get("QMI_RUSH_PACE", "0.5"))


def think():
    gevent.sleep(random.uniform(PACE / 2, PACE * 1.5))  # noqa: S311 - not cryptographic


class Candidate(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self):
        index = next(NEXT)
        if index >= len(CANDIDATES):
            # locust replaces the candidates who are done while it is still spawning:
            # each draft is one person's, and goes through the journey once.
            raise StopUser
        self.email, self.pk, session = CANDIDATES[index]
        # Each candidate from an address of their own, as the proxy in front reports it
        # (rush.py runs gunicorn with API_NUM_PROXIES=1): the log-in rate limits are per
        # visitor, not one bucket for everybody behind the proxy.
        self.client.headers.update(
            {**PROXY, "X-Forwarded-For": f"198.18.{index // 250}.{index % 250 + 1}"}
        )
        self.origin = self.host.replace("http://", "https://")
        log_in(self, self.email, session)

    def _post(self, path, data, name, expected=(200, 302), **headers):
        token = self.client.cookies.get("csrftoken", "")
        with self.client.post(
            path,
            {**data, "csrfmiddlewaretoken": token},
            headers={"Referer": self.origin + path, "X-CSRFToken": token, **headers},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code in expected:
                response.success()
            else:
                response.failure(f"HTTP {response.status_code}")
        return response

    @task
    def rush(self):
        # One go per candidate, whatever happens: a candidate who could not submit
        # shows in the database count afterwards, not as a loop of requests.
        try:
            self._save_and_submit()
        finally:
            if next(DONE) >= len(CANDIDATES):
                # Outside this user's greenlet, once its last request is counted.
                gevent.spawn_later(1, self.environment.runner.quit)
        raise StopUser

    def _save_and_submit(self):
        step = f"/candidatures/{self.pk}/etapes/projet/"
        page = self.client.get(step, name="step: projet")
        version = int(VERSION.search(page.text).group(1))
        for k in range(3):
            think()
            saved = self._post(
                step,
                {**PROJECT, "title": f"Projet rush {self.pk} v{k}", "version": version},
                "autosave",
                expected=(200,),
                **{"X-Autosave": "1"},
            )
            version = saved.json().get("version", version) if saved.status_code == 200 else version
            think()
        self._post(
            step,
            {**PROJECT, "title": f"Projet rush {self.pk}", "version": version, "go": "next"},
            "save step",
        )
        think()
        last = f"/candidatures/{self.pk}/etapes/validation/"
        page = self.client.get(last, name="step: validation")
        version = int(VERSION.search(page.text).group(1))
        data = {"accept_rules": "on", "accept_privacy": "on", "version": version, "go": "submit"}
        # A double click: two submissions of the same form at once. One is recorded; the
        # other is told the application is already submitted (a redirect) or that it was
        # saved meanwhile (409), never a second submission.
        think()
        clicks = [
            gevent.spawn(self._post, last, data, "submit (double click)", (200, 302, 409))
            for _ in range(2)
        ]
        gevent.joinall(clicks)
        think()
        self.client.get(f"/candidatures/{self.pk}/recepisse/", name="receipt")
