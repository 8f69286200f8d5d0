-- CreateEnum
CREATE TYPE "PaymentSyncStatus" AS ENUM ('queued', 'waiting_invoice', 'creating', 'synced', 'failed', 'needs_attention');

-- AlterTable
ALTER TABLE "ZohoConnection" ADD COLUMN     "depositAccountsCache" JSONB,
ADD COLUMN     "paymentAccounts" JSONB,
ADD COLUMN     "recordPayments" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "PaymentSync" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "transactionId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "status" "PaymentSyncStatus" NOT NULL DEFAULT 'queued',
    "transaction" JSONB NOT NULL,
    "gateway" TEXT NOT NULL,
    "amount" DECIMAL(20,4) NOT NULL,
    "currencyCode" TEXT NOT NULL,
    "zohoPaymentId" TEXT,
    "zohoPaymentNumber" TEXT,
    "zohoInvoiceId" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastErrorCode" TEXT,
    "lastErrorMessage" TEXT,
    "claimToken" TEXT,
    "claimedAt" TIMESTAMP(3),
    "createUncertainAt" TIMESTAMP(3),
    "syncedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PaymentSync_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PaymentSync_shop_orderId_idx" ON "PaymentSync"("shop", "orderId");

-- CreateIndex
CREATE INDEX "PaymentSync_shop_status_idx" ON "PaymentSync"("shop", "status");

-- CreateIndex
CREATE UNIQUE INDEX "PaymentSync_shop_transactionId_key" ON "PaymentSync"("shop", "transactionId");

