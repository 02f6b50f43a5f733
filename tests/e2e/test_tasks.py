"""Tasks in the real app: quick add with chips, recurrence on completion, trash and restore,
search, and the page in light and dark."""

import datetime

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

PASSWORD = "correct horse battery"
RENT = "pay rent every month on the 1st p1 #home"


def first_of_month_after(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


def test_quick_add_complete_recurring_trash_restore_and_search(app):
    app.register_first_profile("tess", "Tess Ting", PASSWORD)
    # The web view's storage (and so the theme) outlives a data folder: choose light explicitly.
    app.click("nav-settings")
    app.click("settings-tab-appearance")
    app.choose("theme-light")
    app.wait_theme("light")
    app.click("nav-tasks")
    app.find("tasks")
    assert "Your inbox is clear" in app.text("tasks-empty"), "an empty state that teaches"
    app.shot("20-tasks-empty")

    # Quick add shows what it understood as chips before saving.
    quick_add = app.find("quick-add")
    quick_add.send_keys(RENT)
    for kind in ("recurrence", "priority", "tag"):
        app.find(f"quick-add-chip-{kind}")
    assert "Every month on the 1st" in app.text("quick-add-chip-recurrence")
    app.shot("21-quick-add-chips")
    quick_add.send_keys(Keys.ENTER)
    for line in ("call mom tomorrow 5pm", "buy milk today #shop", "renew passport in 3 weeks p2 #admin", "read chapter 5"):
        app.find("quick-add").send_keys(line + Keys.ENTER)
        app.row(line.split(" tomorrow")[0].split(" today")[0].split(" in 3")[0])

    # It is in Upcoming, with its chips, due on the next 1st.
    app.click("task-view-upcoming")
    rent = app.row("pay rent")
    assert rent.find_elements(By.CSS_SELECTOR, '[data-testid="task-recurrence"]'), "the repeat icon shows"
    assert "home" in rent.get_property("textContent")
    today = datetime.date.today()
    next_due = first_of_month_after(today, 1)
    due_text = rent.find_element(By.CSS_SELECTOR, '[data-testid="task-due"]').get_property("textContent")
    assert next_due.strftime("%b") in due_text, f"due on {next_due}, chip says {due_text!r}"
    app.shot("22-tasks-upcoming-light")

    # Completing a recurring task moves it to the following month.
    rent.find_element(By.CSS_SELECTOR, '[data-testid="task-complete"]').click()
    following = first_of_month_after(today, 2).strftime("%b")
    WebDriverWait(app.driver, 10).until(
        lambda _: following
        in app.row("pay rent").find_element(By.CSS_SELECTOR, '[data-testid="task-due"]').get_property("textContent")
    )

    # Delete → Trash → restore.
    app.row("pay rent").click()
    app.find("task-detail")
    app.click("task-delete")
    app.find("toast")
    app.no_row("pay rent")
    app.click("task-view-trash")
    trashed = app.row("pay rent")
    app.shot("23-tasks-trash")
    trashed.find_element(By.CSS_SELECTOR, '[data-testid="task-restore"]').click()
    app.no_row("pay rent")
    app.click("task-view-upcoming")
    app.row("pay rent")

    # Search finds it.
    app.click("task-view-inbox")
    search = app.find("task-search")
    search.send_keys("rent")
    app.row("pay rent")
    app.no_row("buy milk")
    search.send_keys(Keys.CONTROL, "a")
    search.send_keys(Keys.BACKSPACE)
    app.row("buy milk")
    app.shot("24-tasks-inbox-light")

    # The same page in dark.
    app.click("nav-settings")
    app.click("settings-tab-appearance")
    app.choose("theme-dark")
    app.wait_theme("dark")
    app.click("nav-tasks")
    app.row("pay rent").click()
    app.find("task-detail")
    app.shot("25-tasks-detail-dark")
