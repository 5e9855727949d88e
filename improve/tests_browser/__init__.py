"""Browser tests: Debian's Chromium driven by Playwright, with axe-core on every page."""
