"""gunicorn settings for Phatsadu (used by deploy/phatsadu-web.service: gunicorn -c deploy/gunicorn.conf.py).

Every value can be changed without editing this file, through the environment (the unit's EnvironmentFile):
GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_TIMEOUT. See docs/deployment.md.
"""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"

# nginx on the same machine proxies to this address; with nginx on another machine bind to the private address
# and let only the proxy reach it (the app trusts X-Forwarded-Proto from whoever connects).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Synchronous workers, 2 × cores + 1: each request holds one worker; nginx buffers slow clients, so a worker is
# never held by a phone on a weak signal. Measured: benchmarks/load.py (50 users, 2 cores, 5 workers).
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1))
worker_class = "sync"

# Label sheets up to LABELS_INLINE_MAX labels, register cards and reports are rendered in the request: give them
# time (nginx's proxy_read_timeout matches). Larger work goes to the background worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30

# Recycle workers now and then (PDF rendering grows memory); the jitter keeps them from restarting together.
max_requests = 2000
max_requests_jitter = 200

# Errors to the journal (stderr); no access log here: nginx keeps it.
accesslog = None
errorlog = "-"
loglevel = "warning"
