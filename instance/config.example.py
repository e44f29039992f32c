# Copy to instance/config.py (or run `postline init`, which writes one with a random key).
# Every setting can also come from the environment as POSTLINE_<NAME>, which wins.

SECRET_KEY = "change me: a long random string"   # required in production
# ENV = "development"                            # allows the default key; never in production

# Empty: the embedded SQLite file instance/postline.sqlite. For several hosts:
# DATABASE_URL = "postgresql://postline@db.example/postline"

PLUGINS = "postcode"            # comma-separated allow-list of enabled plugins
# SKIP_BROKEN_PLUGINS = True    # start even if a listed plugin fails to load

TIMEZONE = "Asia/Shanghai"
# SESSION_COOKIE_SECURE = True  # behind HTTPS
# WEB_HOST, WEB_PORT = "0.0.0.0", 5000
# AGI_HOST, AGI_PORT = "0.0.0.0", 4573
