# dibao task runner. Every target creates the virtual environment it needs.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DIBAO_DEMO ?= 1

.DEFAULT_GOAL := help

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "需要 $(PYTHON)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP) document-deps ## create .venv and install the pinned dependencies

# Official documents are PDFs: a CJK font, HarfBuzz's subsetter and pango from the system (installed as
# root with apt-get, otherwise explained; .ci/install-document-deps says why each is needed).
document-deps: ## check (and as root install) the font and libraries PDF documents need
	@bash .ci/install-document-deps

# The browser editors: bpmn-js with bpmn-js-properties-panel and our provider, bundled by esbuild from
# web/static/modeler/src/ into web/static/vendor/modeler/, and dmn-js's prebuilt modeler copied beside it.
# package.json pins every version and package-lock.json the tree; nothing built is committed. Without npm
# the designer still uploads files on the drafts page; the editor pages say why they are unavailable.
VENDOR := web/static/vendor
BPMN_DIST := node_modules/bpmn-js/dist
DMN_DIST := node_modules/dmn-js/dist
modeler-assets: ## install the BPMN/DMN editors from npm (if npm exists) and build them into web/static/vendor/
	@if ! command -v npm >/dev/null; then \
		echo "未找到 npm：跳过浏览器建模器（bpmn-js、dmn-js）；设计人员仍可在“草稿与部署”页上传文件。"; \
	else \
		set -e; \
		if [ -f package-lock.json ]; then npm ci --ignore-scripts --no-audit --no-fund; \
		else npm install --ignore-scripts --no-audit --no-fund; fi; \
		rm -rf $(VENDOR); \
		mkdir -p $(VENDOR)/bpmn-js/assets/bpmn-font/css $(VENDOR)/bpmn-js/assets/bpmn-font/font $(VENDOR)/modeler $(VENDOR)/dmn-js; \
		cp $(BPMN_DIST)/assets/diagram-js.css $(BPMN_DIST)/assets/bpmn-js.css $(VENDOR)/bpmn-js/assets/; \
		cp $(BPMN_DIST)/assets/bpmn-font/css/bpmn.css $(VENDOR)/bpmn-js/assets/bpmn-font/css/; \
		cp $(BPMN_DIST)/assets/bpmn-font/font/* $(VENDOR)/bpmn-js/assets/bpmn-font/font/; \
		cp node_modules/@bpmn-io/properties-panel/dist/assets/properties-panel.css $(VENDOR)/modeler/; \
		node_modules/.bin/esbuild web/static/modeler/src/bpmn-modeler.js --bundle --minify --format=iife \
			--target=es2019 --outfile=$(VENDOR)/modeler/bpmn-modeler.js --log-level=warning; \
		cp $(DMN_DIST)/dmn-modeler.production.min.js $(VENDOR)/dmn-js/; \
		cp -r $(DMN_DIST)/assets $(VENDOR)/dmn-js/; \
		echo "建模器已构建到 $(VENDOR)/（bpmn-js、属性面板、dmn-js）"; \
	fi

init: $(STAMP) document-deps modeler-assets ## create/upgrade the SQLite database, deploy processes/, add the demo data
	mkdir -p instance
	$(BIN)/dibao init --demo

run: init ## set everything up and serve the app on http://127.0.0.1:5000/ (demo logins printed)
	@echo "网址：http://127.0.0.1:5000/ （工作台，需登录）  公示栏：http://127.0.0.1:5000/public/notices （无需登录）"
	@echo "示范账号（密码 demo-pass-2026）：village1 clerk1 head1 deputy1 clerk2 head2 verify1 county1 approver1 committee1 committee2 committee3 designer1 auditor1 admin1"
	@echo "示范地区账号（R = yantai bengbu shaanxi huining taian）：village_R clerk_R head_R verify_R approver_R committee_R committee_R2 committee_R3 designer_R"
	$(BIN)/dibao serve --with-worker --host 127.0.0.1 --port 5000

test: $(STAMP) document-deps modeler-assets ## lint, type-check, layering check and the test suite on SQLite
	$(BIN)/ruff check engine web forms tests
	$(BIN)/mypy
	$(BIN)/lint-imports
	DIBAO_FAST_PASSWORD_HASH=1 $(BIN)/pytest -q -n 2 -m "not postgres and not browser"

test-postgres: $(STAMP) document-deps ## the PostgreSQL tests (DIBAO_TEST_POSTGRES_URL, default the local server)
	DIBAO_FAST_PASSWORD_HASH=1 DIBAO_TEST_POSTGRES_URL=$${DIBAO_TEST_POSTGRES_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} \
		$(BIN)/pytest -q -m postgres

test-browser: $(STAMP) document-deps modeler-assets ## the walkthrough in a real headless Chromium (Debian's; screenshots in artifacts/screenshots/)
	bash .ci/install-chromium
	DIBAO_FAST_PASSWORD_HASH=1 $(BIN)/pytest -q -p no:xdist -m browser tests/browser

fuzz-api: $(STAMP) document-deps ## Schemathesis against a temporary demo server (all phases and checks; DIBAO_FUZZ_EXAMPLES per operation)
	$(BIN)/python -m tests.fuzz.api

check: test ## make test, then ruff format --check
	$(BIN)/ruff format --check engine web forms tests

bench: $(STAMP) document-deps ## the benchmarks (slow; targets and figures in docs/benchmarks.md)
	DIBAO_FAST_PASSWORD_HASH=1 $(BIN)/python -m tests.bench

clean: ## remove the virtual environment, the local database and the npm-installed modeler assets
	rm -rf $(VENV) instance node_modules $(VENDOR)

.PHONY: help install document-deps modeler-assets init run test test-postgres test-browser fuzz-api check bench clean
