// Chromium comes from Debian (/usr/bin/chromium); puppeteer must never try to download a browser,
// which fails on machines that reach only the npm registry.
module.exports = { skipDownload: true, chrome: { skipDownload: true }, 'chrome-headless-shell': { skipDownload: true } };
