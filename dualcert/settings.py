"""One settings file, driven by environment variables; development needs none."""

from pathlib import Path

import dj_database_url

from dualcert.core.env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("DUALCERT_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)
_DEV_SECRET = "dev-only-insecure-secret-key-change-me-in-production-0123456789"  # noqa: S105
SECRET_KEY = env_secret("SECRET_KEY", _DEV_SECRET if DEBUG else None)
# Keyed hash for ID-number lookups and key for ID-number encryption at rest.
ID_NUMBER_KEY = env_secret("ID_NUMBER_KEY", "dev-only-id-number-key" if DEBUG else None)
# Private signing keys of the issuers (one PEM file per key): outside the database and git.
SIGNING_KEY_DIR = Path(env_str("SIGNING_KEY_DIR", str(VAR_DIR / "keys")))
# The address printed in QR codes; the verification page is at PUBLIC_BASE_URL/v/.
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# Each web process writes its API verification log rows at most this many milliseconds later,
# in one statement; a normal stop writes what it holds (credentials/verification_log.py).
# 0 writes each row in its request: a third of the API's throughput (bench/verify.py).
VERIFICATION_LOG_DELAY_MS = env_int("VERIFICATION_LOG_DELAY_MS", 500)
# The font printed certificates embed for Chinese text: a .ttf, .otf or .ttc file. Empty: the
# first of the usual Debian locations (fonts-noto-cjk) that exists. CJK_FONT_INDEX picks the face
# of a .ttc collection; -1 picks its Simplified Chinese face (index 2 of NotoSansCJK-Regular.ttc).
CJK_FONT = env_str("DUALCERT_CJK_FONT", "")
CJK_FONT_INDEX = env_int("DUALCERT_CJK_FONT_INDEX", -1)
# Batch-printed PDFs (one file per print job, named by the job's public id).
PRINT_DIR = Path(env_str("DUALCERT_PRINT_DIR", str(VAR_DIR / "prints")))
# Uploaded import files and finished exports (one folder per job, named by its public id);
# kept IMPORT_KEEP_DAYS days, then cleared away as they hold personal data.
IMPORT_DIR = Path(env_str("DUALCERT_IMPORT_DIR", str(VAR_DIR / "imports")))
EXPORT_DIR = Path(env_str("DUALCERT_EXPORT_DIR", str(VAR_DIR / "exports")))
IMPORT_KEEP_DAYS = env_int("IMPORT_KEEP_DAYS", 7)
# Largest upload accepted for an import, in megabytes.
IMPORT_MAX_MB = env_int("IMPORT_MAX_MB", 50)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "dualcert.core",
    "dualcert.catalog",
    "dualcert.people",
    "dualcert.demand",
    "dualcert.training",
    "dualcert.assessment",
    "dualcert.credentials",
    "dualcert.employment",
    "dualcert.fairs",
    "dualcert.insights",
    "dualcert.imports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "dualcert.urls"
WSGI_APPLICATION = "dualcert.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "dualcert" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dualcert.core.context_processors.navigation",
            ],
        },
    }
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'dualcert.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the page server read while a background task writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English"), ("ug", "ئۇيغۇرچە")]
LOCALE_PATHS = [BASE_DIR / "dualcert" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS: list[Path | tuple[str, Path]] = [BASE_DIR / "dualcert" / "static"]
_NODE_HTMX = BASE_DIR / "node_modules" / "htmx.org" / "dist"
if _NODE_HTMX.is_dir():
    STATICFILES_DIRS.append(("vendor/htmx", _NODE_HTMX))
# The public verification page's ES modules, loaded by the browser without a bundler.
for _prefix, _package in (("vendor/fflate", "fflate/esm"), ("vendor/cbor-x", "cbor-x"),
                          ("vendor/noble-ed25519", "@noble/ed25519")):
    if (BASE_DIR / "node_modules" / _package).is_dir():
        STATICFILES_DIRS.append((_prefix, BASE_DIR / "node_modules" / _package))

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Progress of running jobs is read by the page server while a task process writes it, so it
# lives in a cache all processes share: files under var/ by default, Redis when REDIS_URL is set.
_REDIS_URL = env_str("REDIS_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "progress": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _REDIS_URL}
        if _REDIS_URL else
        {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
         "LOCATION": str(VAR_DIR / "cache" / "progress")}
    ),
}

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"),
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
