"""Settings → Providers in the real app, against the scripted LLM server: add an OpenAI-compatible
connection with an API key kept in the system keychain (GNOME Keyring on the test's private bus,
see scripts/e2e.sh), test it, list its models and choose one, then see a wrong key refused.

The server requires the key (`--require-key`), so a successful check shows the app sent
`Authorization: Bearer <key>` with the key it stored, and a wrong key gets the server's 401.
"""

import urllib.error
import urllib.request

import pytest
from conftest import llm_server as start_llm_server, set_theme
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

PASSWORD = "correct horse battery"
API_KEY = "sk-e2e-secret-123"
WRONG_KEY = "sk-e2e-wrong-456"
NAME = "Scripted server"
MODELS = ["scripted-large", "scripted-small"]  # what the server lists, sorted by id
ROW = f'[data-testid="provider-row"][data-name="{NAME}"]'


def status_of(url: str, key: str | None) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"} if key else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture(scope="module")
def llm_server():
    """The scripted LLM server requiring API_KEY; yields its /v1 URL."""
    with start_llm_server("--require-key", API_KEY) as (_, base_url):
        # The test proves something only if the server really checks the key.
        assert status_of(f"{base_url}/models", None) == 401
        assert status_of(f"{base_url}/models", WRONG_KEY) == 401
        assert status_of(f"{base_url}/models", API_KEY) == 200
        yield base_url


def open_providers(app) -> None:
    app.click("nav-settings")
    app.click("settings-tab-providers")
    app.find("settings-providers")


def row(app):
    return app.driver.find_element(By.CSS_SELECTOR, ROW)


def in_row(app, testid: str):
    return row(app).find_element(By.CSS_SELECTOR, f'[data-testid="{testid}"]')


def check_result(app, code: str | None, timeout: float = 15) -> str:
    """Clicks "Test connection" and waits for its result: success (code None) or that error code."""
    in_row(app, "provider-check").click()

    def settled(_):
        results = row(app).find_elements(By.CSS_SELECTOR, '[data-testid="provider-check-result"]')
        if not results or in_row(app, "provider-check").get_attribute("aria-busy") == "true":
            return False
        result = results[0]
        return result if result.get_attribute("data-code") == code else False

    try:
        result = WebDriverWait(app.driver, timeout).until(settled)
    except Exception:
        app.shot(f"FAILED-check-{code or 'ok'}")
        raise AssertionError(f"no check result with code {code}; row text: {row_text(app)!r}")
    return result.get_property("textContent") or ""


def row_text(app) -> str:
    return row(app).get_property("textContent") or ""


def meta_text(app) -> str:
    """The row's line with the default model and where the key is."""
    return row(app).find_element(By.CSS_SELECTOR, ".provider-meta").get_property("textContent") or ""


def save_dialog(app) -> None:
    app.click("provider-save")
    try:
        WebDriverWait(app.driver, 10).until(lambda _: app.absent("provider-dialog"))
    except Exception:
        app.shot("FAILED-provider-save")
        raise AssertionError(f"the dialog did not close on save; page text: {app.page_text()[:600]!r}")


def edit_key(app, key: str) -> None:
    in_row(app, "provider-edit").click()
    dialog = app.find("provider-dialog")
    key_input = dialog.find_element(By.CSS_SELECTOR, '[name="apiKey"]')
    assert key_input.get_property("value") == "", "the stored key is never sent back to the UI"
    assert "stored" in (key_input.get_attribute("placeholder") or "")
    app.fill("provider-dialog", apiKey=key)
    save_dialog(app)
    WebDriverWait(app.driver, 10).until(lambda _: f"Saved {NAME}." in app.page_text())


def test_add_check_choose_model_and_wrong_key(app, llm_server):
    app.register_first_profile("pat", "Pat Provider", PASSWORD)
    # The web view's storage (and so the theme) outlives a data folder: choose light explicitly.
    set_theme(app, "light")
    open_providers(app)
    assert "Connect an AI provider" in app.page_text(), "the empty state explains what a provider is"
    assert app.absent("secrets-warning"), "the keychain (GNOME Keyring from scripts/e2e.sh) is found"
    app.shot("30-providers-empty-light")

    # Add an OpenAI-compatible server with a key.
    app.click("providers-add")
    app.find("provider-dialog")
    app.choose("provider-preset-custom")
    app.fill("provider-dialog", name=NAME, baseUrl=llm_server, apiKey=API_KEY)
    app.shot("31-provider-add-light")
    app.click("provider-save")
    WebDriverWait(app.driver, 10).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ROW)
        or d.find_elements(By.CSS_SELECTOR, '[data-testid="provider-store-unavailable"]')
    )
    assert app.absent("provider-store-unavailable"), f"the key could not be stored: {app.page_text()[:600]!r}"
    assert app.absent("provider-dialog")
    assert f"Added {NAME}." in app.page_text()
    assert "Key stored in your system keychain" in in_row(app, "provider-key-status").get_property("textContent")
    assert "No default model" in meta_text(app)
    assert not row(app).find_elements(By.CSS_SELECTOR, '[data-testid="provider-set-default"]'), (
        "the first connection becomes the default"
    )
    assert llm_server in row_text(app)
    # The key is in the keychain only: not on the page, not in the app's files.
    assert API_KEY not in app.page_text()
    secret = API_KEY.encode()
    leaks = [p for p in app.data_dir.rglob("*") if p.is_file() and secret in p.read_bytes()]
    assert not leaks, f"the API key is written in plain text in {leaks}"

    # Test connection: the server answers only with the right key.
    text = check_result(app, None)
    assert f"{len(MODELS)} models available" in text, text

    # List the models and choose one: it becomes the connection's default model.
    in_row(app, "provider-models").click()
    listed = WebDriverWait(app.driver, 15).until(
        lambda _: [m.get_attribute("data-model") for m in row(app).find_elements(
            By.CSS_SELECTOR, '[data-testid="provider-models-list"] [data-testid="provider-model"]')]
    )
    assert listed == MODELS, listed
    row(app).find_element(By.CSS_SELECTOR, f'[data-testid="provider-model"][data-model="{MODELS[0]}"]').click()
    WebDriverWait(app.driver, 10).until(lambda _: MODELS[0] in meta_text(app))
    chosen = row(app).find_element(By.CSS_SELECTOR, f'[data-testid="provider-model"][data-model="{MODELS[0]}"]')
    WebDriverWait(app.driver, 10).until(lambda _: chosen.get_attribute("aria-pressed") == "true")
    assert "No default model" not in meta_text(app)
    app.shot("32-providers-list-light")

    # A wrong key: the server's 401 reads as "the key was refused".
    edit_key(app, WRONG_KEY)
    text = check_result(app, "ProviderAuth")
    assert "The API key was refused" in text, text
    assert WRONG_KEY not in app.page_text()
    app.shot("33-provider-wrong-key-light")

    # The right key again replaces the wrong one in the keychain.
    edit_key(app, API_KEY)
    assert "Key stored in your system keychain" in in_row(app, "provider-key-status").get_property("textContent")
    check_result(app, None)

    # The same screens in dark.
    set_theme(app, "dark")
    open_providers(app)
    check_result(app, None)
    in_row(app, "provider-models").click()
    WebDriverWait(app.driver, 15).until(
        lambda _: row(app).find_elements(By.CSS_SELECTOR, '[data-testid="provider-models-list"]')
    )
    assert MODELS[0] in meta_text(app), "the chosen model is still the default"
    app.shot("34-providers-list-dark")

    app.click("providers-add")
    app.find("provider-dialog")
    app.choose("provider-preset-custom")
    app.fill("provider-dialog", baseUrl="http://localhost:8000/v1")
    app.shot("35-provider-add-dark")
    app.find("provider-dialog").find_element(By.CSS_SELECTOR, '[name="name"]').send_keys(Keys.ESCAPE)
    WebDriverWait(app.driver, 5).until(lambda _: app.absent("provider-dialog"))
    assert len(app.driver.find_elements(By.CSS_SELECTOR, '[data-testid="provider-row"]')) == 1
