// whatsapp-web.js pulls puppeteer; deployments point it at a system Chromium instead of a download.
module.exports = { skipDownload: true };
