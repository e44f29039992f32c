# PostLine: `make run` to try it, `make test` to check it. Needs only Python 3.11+.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test install translations clean

$(STAMP): setup.cfg pyproject.toml examples/postline-hello/setup.cfg
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]' ./examples/postline-hello
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/postline init
	$(BIN)/postline db upgrade
	$(BIN)/postline demo load
	@# the voice prompts that are missing or out of date (a progress bar; needs espeak-ng
	@# and sox, and a run without them goes on in silence: the IVR then hands callers over)
	-$(BIN)/postline prompts build
	@echo
	@echo "PostLine: http://127.0.0.1:5000/  (FastAGI on 127.0.0.1:4573)"
	@echo "Demo logins, password 'postline': agent backoffice teamlead qa manager admin"
	@echo "Ctrl-C stops web, agi and worker."
	@echo
	$(BIN)/postline serve

#: The suite runs in one process per core (pytest-xdist); TEST_WORKERS=0 runs it in one.
TEST_WORKERS ?= auto

test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k _lp:1c,2 --no-location --sort-output -o app/translations/messages.pot app plugins
	test -f app/translations/zh_Hans_CN/LC_MESSAGES/messages.po || $(BIN)/pybabel init -i app/translations/messages.pot -d app/translations -l zh_Hans_CN
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching
	$(BIN)/pybabel compile -d app/translations

clean:
	rm -rf $(VENV) build *.egg-info
