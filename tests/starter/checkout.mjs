// A guest checkout through the official Next.js starter (medusajs/nextjs-starter-medusa),
// served against Coral, in Debian's headless Chromium (never a downloaded browser).
// usage: node checkout.mjs <storefront url> <country code> [promo code]
// Screenshots of every step go to $SHOTS (default: the current directory); the run
// fails on a missing step, and prints every console error and 5xx response it saw.
import { chromium } from 'playwright-core';
const [base = 'http://localhost:8000', cc = 'de', promo] = process.argv.slice(2);
const shots = process.env.SHOTS || '.';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
const errors = [];
page.on('console', m => { if (m.type() === 'error') errors.push('console: ' + m.text()); });
page.on('response', r => { if (r.status() >= 500) errors.push(`${r.status()} ${r.url()}`); });
page.setDefaultTimeout(120000);
const step = async (name) => { await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true }); console.log('step', name, page.url()); };
try {
  await page.goto(`${base}/${cc}/store`, { waitUntil: 'networkidle' });
  await step('01-store');
  await page.locator('[data-testid=product-wrapper]').first().click();
  await page.waitForSelector('[data-testid=add-product-button]');
  await page.waitForLoadState('networkidle');
  const opts = page.locator('[data-testid=product-options]');
  for (let i = 0; i < await opts.count(); i++) await opts.nth(i).locator('[data-testid=option-button]').first().click();
  await step('02-product');
  await page.locator('[data-testid=add-product-button]').click();
  await page.waitForTimeout(3000);
  await page.goto(`${base}/${cc}/checkout?step=address`, { waitUntil: 'networkidle' });
  if (promo) {
    await page.locator('[data-testid=add-discount-button]').click();
    await page.locator('[data-testid=discount-input]').fill(promo);
    await page.locator('[data-testid=discount-apply-button]').click();
    await page.waitForSelector('[data-testid=discount-code]', { timeout: 30000 });
    await step('03-promo');
  }
  await page.fill('[data-testid=shipping-first-name-input]', 'Ada');
  await page.fill('[data-testid=shipping-last-name-input]', 'Lovelace');
  await page.fill('[data-testid=shipping-address-input]', '1 Analytical St');
  await page.fill('[data-testid=shipping-postal-code-input]', '10115');
  await page.fill('[data-testid=shipping-city-input]', 'Berlin');
  await page.selectOption('[data-testid=shipping-country-select]', cc);
  await page.fill('[data-testid=shipping-email-input]', 'ada@example.com');
  await step('04-address');
  await page.locator('[data-testid=submit-address-button]').click();
  await page.waitForURL(/step=delivery/);
  await page.waitForLoadState('networkidle');
  await page.locator('[data-testid=delivery-option-radio]').first().click();
  await page.waitForTimeout(1500);
  await step('05-delivery');
  await page.locator('[data-testid=submit-delivery-option-button]').click();
  await page.waitForURL(/step=payment/);
  await page.waitForLoadState('networkidle');
  await step('06-payment');
  const radios = page.locator('[data-testid=radio-button], input[type=radio], [role=radio]');
  if (await radios.count()) await radios.first().click();
  await page.locator('[data-testid=submit-payment-button]').click();
  await page.waitForURL(/step=review/);
  await page.waitForLoadState('networkidle');
  await step('07-review');
  await page.locator('[data-testid=submit-order-button]').click();
  await page.waitForURL(/order\/.*confirmed/);
  await page.waitForSelector('[data-testid=order-complete-container]');
  await step('08-confirmed');
  console.log('ORDER CONFIRMED', page.url());
} catch (e) {
  await step('99-failure').catch(() => {});
  console.log('FAILED:', e.message.split('\n')[0]);
  process.exitCode = 1;
} finally {
  console.log('errors seen:', errors.length ? errors : 'none');
  await browser.close();
}
