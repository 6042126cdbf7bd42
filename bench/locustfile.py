"""Load profile of bench/run.py: visitors on the public pages, commune managers and
reviewers on the team dashboard (every order and filter), staff application pages.

Run through bench/run.py, which sets QMI_BENCH_* and starts the servers.
"""

import os
import random
import re
from http.cookiejar import DefaultCookiePolicy

from dashboard_queries import DASHBOARD_QUERIES  # locust puts this folder on the path
from locust import HttpUser, between, task

PARTICIPATION = os.environ.get("QMI_BENCH_PARTICIPATION", "1")
CALL_SLUG = os.environ.get("QMI_BENCH_CALL_SLUG", "charge-ouvert-qmi91")
TARGETS = [int(t) for t in os.environ.get("QMI_BENCH_TARGETS", "").split(",") if t]
PASSWORD = "qmi-load-2025"  # noqa: S105 - the load data set's logins


# gunicorn serves plain HTTP here, as behind a TLS-terminating proxy: say so, and let
# the client send back the cookies the site marks Secure, as a browser does over HTTPS.
# (Every jar: requests copies the session's at each request. Clearing the flag on the
# cookies after log-in was not enough: the next answer sets them again, Secure, and the
# staff users were then measuring the log-in page.)
PROXY = {"X-Forwarded-Proto": "https"}
DefaultCookiePolicy.return_ok_secure = lambda self, cookie, request: True


class Visitor(HttpUser):
    weight = 2
    wait_time = between(0, 0.1)

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
    wait_time = between(0, 0.1)

    def on_start(self):
        email = random.choice(
            ["manager.load1@qmi.example"] + [f"reviewer{k}.load1@qmi.example" for k in (1, 2)]
        )
        self.client.headers.update(PROXY)
        page = self.client.get("/comptes/login/", name="login page").text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        self.client.post(
            "/comptes/login/",
            {"login": email, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": self.host.replace("http://", "https://") + "/comptes/login/"},
            name="login",
        )

    @task(4)
    def dashboard(self):
        query = random.choice(DASHBOARD_QUERIES)
        with self.client.get(
            f"/equipe/tableau/{PARTICIPATION}/{query}",
            name=f"dashboard {query or 'default'}",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # A redirect is the log-in page: a lost session, not a dashboard.
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

    @task(1)
    def application(self):
        if TARGETS:
            with self.client.get(
                f"/equipe/candidature/{random.choice(TARGETS)}/",
                name="staff application page",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code != 200:
                    response.failure(f"HTTP {response.status_code}")
