"""Profiles and login in the real app: first run to a member who cannot reach administration.

One flow, in order, as a person would go through it; a screenshot of every screen is saved.
"""

import re

from painting import paints_without_compositing

ADMIN_PASSWORD = "correct horse battery"
MEMBER_PASSWORD = "staple battery horse"
RECOVERY_KEY = r"^[0-9A-Z]{5}(-[0-9A-Z]{5}){4}$"
SOFTWARE_PAINT = paints_without_compositing()


def test_first_run_to_member_without_admin_screens(app):
    # First run: the app asks for the administrator profile.
    app.find("first-run")
    app.shot("01-first-run")
    # On Linux the page uses fontconfig's generic families only: a list naming other systems'
    # fonts first made the first screen paint about 150 ms later (docs/BENCHMARKS.md, start-up).
    fonts = app.driver.execute_script(
        "return [document.documentElement.dataset.platform, getComputedStyle(document.body).fontFamily]"
    )
    assert fonts == ["linux", "sans-serif"], f"the Linux font list, got {fonts}"
    # Without a GPU the app paints without WebKit's compositing, on the CPU, where a blurred shadow
    # made every repaint of this card about 40 ms slower: the page is told, and draws it crisp.
    paint, card_shadow = app.driver.execute_script(
        "return [document.documentElement.dataset.paint,"
        " getComputedStyle(document.querySelector('.auth-card')).boxShadow]"
    )
    if SOFTWARE_PAINT:
        assert paint == "software", f"the page knows it is painted on the CPU, got {paint}"
        assert card_shadow.endswith("0px 1px 0px 0px"), f"a shadow without blur, got {card_shadow}"
    else:
        assert paint == "default", paint
    app.fill("first-run", username="ada", displayName="Ada Lovelace", password="short", confirmPassword="short")
    app.click("register-submit")
    assert "8 characters" in app.wait_text("first-run", "8 characters"), "the password rule is explained"
    app.shot("02-first-run-weak-password")
    app.fill("first-run", password=ADMIN_PASSWORD, confirmPassword=ADMIN_PASSWORD)
    app.click("register-submit")

    # The recovery key is shown once; continuing needs the "I saved it" box.
    key = app.text("recovery-key").strip()
    assert re.match(RECOVERY_KEY, key), f"a recovery key in five groups, got {key!r}"
    app.shot("03-recovery-key")
    assert not app.find("recovery-key-continue").is_enabled(), "continue waits for the checkbox"
    app.click("recovery-key-saved")
    app.click("recovery-key-continue")

    app.find("app-frame")
    app.shot("04-app-frame")
    assert app.wait_text("current-profile-name", "Ada Lovelace"), "the sidebar shows who is signed in"

    # Log out, then a wrong password is refused in plain words.
    app.click("logout-button")
    app.fill("login", username="ada", password="not my password")
    app.click("login-submit")
    message = app.text("form-error")
    assert "don't match" in message, f"wrong password explained: {message!r}"
    app.shot("05-login-wrong-password")

    app.fill("login", username="ada", password=ADMIN_PASSWORD)
    app.click("login-submit")
    app.find("app-frame")

    # Lock and unlock.
    app.click("lock-button")
    app.find("lock-screen")
    assert "Ada Lovelace" in app.page_text()
    app.shot("06-lock-screen")
    app.fill("lock-screen", password="not my password")
    app.click("unlock-submit")
    app.find("form-error")
    app.fill("lock-screen", password=ADMIN_PASSWORD)
    app.click("unlock-submit")
    app.find("app-frame")

    # The administrator creates a member profile.
    app.click("nav-settings")
    app.click("settings-tab-profiles")
    app.find("settings-profiles")
    app.click("profiles-create")
    app.fill("profile-create-dialog", username="bob", displayName="Bob Builder", password=MEMBER_PASSWORD)
    app.shot("07-create-profile")
    app.click("profile-create-submit")
    assert re.match(RECOVERY_KEY, app.text("recovery-key").strip())
    app.click("recovery-key-saved")
    app.click("recovery-key-continue")
    row = app.find("profile-row-bob")
    assert "member" in row.text.lower(), row.text
    app.shot("08-profiles-admin")

    app.click("settings-tab-appearance")
    app.choose("theme-dark")
    app.wait_theme("dark")
    app.shot("09-settings-appearance-dark")
    app.click("settings-tab-profile")
    app.shot("10-settings-profile-dark")

    # The member signs in and finds no administration.
    app.click("logout-button")
    app.fill("login", username="bob", password=MEMBER_PASSWORD)
    app.click("login-submit")
    app.find("app-frame")
    assert app.wait_text("current-profile-name", "Bob Builder")
    app.click("nav-settings")
    app.find("settings")
    assert app.absent("settings-tab-profiles"), "members do not see the Profiles tab"
    app.shot("11-member-settings-dark")
