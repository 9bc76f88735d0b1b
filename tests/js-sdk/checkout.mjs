// Drives a running Coral with the real @medusajs/js-sdk: catalog reads, the 8-step
// guest checkout, and a customer who signs up and sees an order. Exits non-zero on the
// first failure. Usage (see README "Real-client check"):
//   npm install --prefix tests/js-sdk && \
//   CORAL_URL=http://localhost:9000 CORAL_KEY=<publishable key> node tests/js-sdk/checkout.mjs
import Medusa from "@medusajs/js-sdk";

const baseUrl = process.env.CORAL_URL ?? "http://localhost:9000";
const publishableKey = process.env.CORAL_KEY;
if (!publishableKey) throw new Error("set CORAL_KEY to a publishable key");
const sdk = new Medusa({ baseUrl, publishableKey, auth: { type: "jwt", jwtTokenStorageMethod: "memory" } });

function check(cond, what) {
  if (!cond) throw new Error(`check failed: ${what}`);
  console.log(`ok  ${what}`);
}

const { regions } = await sdk.store.region.list();
check(regions.length > 0 && regions[0].countries[0].iso_2, "region.list has regions with countries");
const region = regions[0];
const { products, count } = await sdk.store.product.list({
  region_id: region.id,
  limit: 5,
  fields: "*variants.calculated_price,+variants.inventory_quantity",
});
check(products.length > 0 && count >= products.length, "product.list");
const withPrice = products.find((p) => p.variants.some((v) => v.calculated_price && v.inventory_quantity > 0));
check(withPrice, "a product has a priced, stocked variant");
const { product } = await sdk.store.product.retrieve(withPrice.id, { region_id: region.id });
check(product.id === withPrice.id && Array.isArray(product.images), "product.retrieve");
const { product_categories } = await sdk.store.category.list();
check(Array.isArray(product_categories), "category.list");
const { collections } = await sdk.store.collection.list();
check(Array.isArray(collections), "collection.list");

// The guest checkout.
const variant = withPrice.variants.find((v) => v.calculated_price && v.inventory_quantity > 0);
let { cart } = await sdk.store.cart.create({ region_id: region.id });
check(cart.id && Array.isArray(cart.items), "cart.create");
({ cart } = await sdk.store.cart.createLineItem(cart.id, { variant_id: variant.id, quantity: 2 }));
check(cart.items.length === 1 && cart.items[0].quantity === 2, "cart.createLineItem");
const country = region.countries[0].iso_2;
const address = { first_name: "Ada", last_name: "Lovelace", address_1: "1 Main St", city: "Town",
                  postal_code: "12345", country_code: country, phone: "+100" };
({ cart } = await sdk.store.cart.update(cart.id, {
  email: "ada.sdk@example.com", shipping_address: address, billing_address: address,
}));
check(cart.email === "ada.sdk@example.com" && cart.shipping_address.country_code === country, "cart.update");
const { shipping_options } = await sdk.store.fulfillment.listCartOptions({ cart_id: cart.id });
check(shipping_options.length > 0, "fulfillment.listCartOptions");
({ cart } = await sdk.store.cart.addShippingMethod(cart.id, { option_id: shipping_options[0].id }));
check(cart.shipping_methods.length === 1, "cart.addShippingMethod");
const { payment_providers } = await sdk.store.payment.listPaymentProviders({ region_id: region.id });
check(payment_providers.some((p) => p.id === "pp_system_default"), "payment.listPaymentProviders");
const { payment_collection } = await sdk.store.payment.initiatePaymentSession(cart, {
  provider_id: "pp_system_default",
});
check(payment_collection.payment_sessions[0].status === "pending", "payment.initiatePaymentSession");
const done = await sdk.store.cart.complete(cart.id);
check(done.type === "order" && done.order.display_id >= 1, "cart.complete");
const expected = cart.item_subtotal + cart.shipping_subtotal + cart.tax_total;
check(Math.abs(done.order.total - expected) < 1e-9 && done.order.total === cart.total,
      `order total ${done.order.total} = item subtotal + shipping subtotal + tax`);
const { order } = await sdk.store.order.retrieve(done.order.id);
check(order.id === done.order.id, "order.retrieve (guest)");

// A customer.
const email = `sdk-${Date.now()}@example.com`;
await sdk.auth.register("customer", "emailpass", { email, password: "correct-horse-battery" });
const { customer } = await sdk.store.customer.create({ email, first_name: "Ada" });
check(customer.email === email, "customer.create");
await sdk.auth.login("customer", "emailpass", { email, password: "correct-horse-battery" });
const me = await sdk.store.customer.retrieve();
check(me.customer.id === customer.id, "customer.retrieve");
let { cart: c2 } = await sdk.store.cart.create({ region_id: region.id });
({ cart: c2 } = await sdk.store.cart.createLineItem(c2.id, { variant_id: variant.id, quantity: 1 }));
({ cart: c2 } = await sdk.store.cart.transferCart(c2.id));
check(c2.customer_id === customer.id, "cart.transferCart");
({ cart: c2 } = await sdk.store.cart.update(c2.id, { shipping_address: address }));
({ cart: c2 } = await sdk.store.cart.addShippingMethod(c2.id, { option_id: shipping_options[0].id }));
await sdk.store.payment.initiatePaymentSession(c2, { provider_id: "pp_system_default" });
const done2 = await sdk.store.cart.complete(c2.id);
check(done2.type === "order", "customer cart.complete");
const { orders } = await sdk.store.order.list();
check(orders.some((o) => o.id === done2.order.id), "order.list shows the customer's order");
console.log("all js-sdk checks passed");
