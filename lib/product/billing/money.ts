/** Stripe amounts are in the currency's minor unit (cents); whole amounts drop the decimals when asked. */
export function formatMoney(amount: number, currency: string, options: { trimZeroCents?: boolean } = {}): string {
  const whole = options.trimZeroCents && amount % 100 === 0;
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase(), ...(whole ? { maximumFractionDigits: 0 } : {}) }).format(amount / 100);
}
