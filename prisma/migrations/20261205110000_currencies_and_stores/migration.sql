-- AlterTable
ALTER TABLE "OrderSync" ADD COLUMN     "baseCurrencyCode" TEXT,
ADD COLUMN     "exchangeRate" DECIMAL(20,10),
ADD COLUMN     "paidCurrencyCode" TEXT,
ADD COLUMN     "paidTotal" DECIMAL(20,4);

-- AlterTable
ALTER TABLE "ZohoConnection" ADD COLUMN     "invoiceIn" TEXT NOT NULL DEFAULT 'customer',
ADD COLUMN     "referencePrefix" TEXT;
