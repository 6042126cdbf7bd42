"""Load profile of bench/run.py: visitors on the public pages, commune managers and
reviewers on the team dashboard (every order and filter) and the staff application
pages, the metropolis admin on the staff home, the call's results and the outbox,
candidates on "Mes candidatures" and their application.

Run through bench/run.py, which sets QMI_BENCH_* and starts the servers. Each
client acts again after 0 to 0.1 s (saturation: throughput), or, with
QMI_BENCH_PACE=s, after half to one and a half times s (people reading pages).
"""

import json
import os
import random

import load_client  # locust puts this folder on the path
from dashboard_queries import DASHBOARD_QUERIES
from load_client import PROXY
from locust import HttpUser, between, task

PARTICIPATION = os.environ.get("QMI_BENCH_PARTICIPATION", "1")
CALL_ID = os.environ.get("QMI_BENCH_CALL_ID", "1")
APPLICATIONS = int(os.environ.get("QMI_BENCH_APPLICATIONS", "1000"))
CALL_SLUG = os.environ.get("QMI_BENCH_CALL_SLUG", "charge-ouvert-qmi91")
TARGETS = [int(t) for t in os.environ.get("QMI_BENCH_TARGETS", "").split(",") if t]
PACE = float(os.environ.get("QMI_BENCH_PACE", "0"))
WAIT = between(PACE / 2, PACE * 1.5) if PACE else between(0, 0.1)
# bench/run.py --logged-in: {e-mail: session key}, sessions made before the run.
SESSIONS = json.loads(os.environ.get("QMI_BENCH_SESSIONS") or "{}")


def log_in(user, email):
    load_client.log_in(user, email, SESSIONS.get(email))


def get_page(user, path, name):
    # A redirect is the log-in page: a lost session, not the page.
    with user.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
        if response.status_code != 200:
            response.failure(f"HTTP {response.status_code}")


class Visitor(HttpUser):
    weight = 2
    wait_time = WAIT

    def on_start(self):
        self.client.headers.update(PROXY)

    @task(3)
    def home(self):
        self.client.get("/", name="public: home")

    @task(2)
    def calls(self):
        self.client.get("/appels/", name="public: calls list")

    @task(2)
    def call(self):
        self.client.get(f"/appels/{CALL_SLUG}/", name="public: call page")


class Staff(HttpUser):
    weight = 1
    wait_time = WAIT

    def on_start(self):
        email = random.choice(
            ["manager.load1@qmi.example"] + [f"reviewer{k}.load1@qmi.example" for k in (1, 2)]
        )
        log_in(self, email)

    @task(4)
    def dashboard(self):
        query = random.choice(DASHBOARD_QUERIES)
        get_page(
            self, f"/equipe/tableau/{PARTICIPATION}/{query}", f"dashboard {query or 'default'}"
        )

    @task(1)
    def application(self):
        if TARGETS:
            get_page(
                self, f"/equipe/candidature/{random.choice(TARGETS)}/", "staff application page"
            )


class Admin(HttpUser):
    weight = 1
    fixed_count = 1  # one metropolis admin among the clients
    wait_time = WAIT

    def on_start(self):
        log_in(self, "admin.load@qmi.example")

    @task
    def home(self):
        get_page(self, "/equipe/", "staff home")

    @task
    def results(self):
        get_page(self, f"/equipe/appel/{CALL_ID}/resultats/", "call results page")

    @task
    def outbox(self):
        get_page(self, "/notifications/boite-d-envoi/", "outbox")


class Candidate(HttpUser):
    weight = 1
    wait_time = WAIT

    def on_start(self):
        # Owners of submitted applications of the load data set (seed_load).
        log_in(self, f"candidate{random.randrange(APPLICATIONS)}@load.example")

    @task
    def my_applications(self):
        get_page(self, "/candidatures/", "Mes candidatures")
