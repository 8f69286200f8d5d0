-- CreateEnum
CREATE TYPE "RefundSyncStatus" AS ENUM ('queued', 'waiting_invoice', 'creating', 'synced', 'failed', 'needs_attention', 'skipped');

-- CreateTable
CREATE TABLE "RefundSync" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "refundId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "status" "RefundSyncStatus" NOT NULL DEFAULT 'queued',
    "refund" JSONB NOT NULL,
    "zohoCreditNoteId" TEXT,
    "zohoCreditNoteNumber" TEXT,
    "zohoCreditNoteStatus" TEXT,
    "zohoInvoiceId" TEXT,
    "appliedAmount" DECIMAL(20,4),
    "currencyCode" TEXT,
    "refundTotal" DECIMAL(20,4),
    "zohoTotal" DECIMAL(20,4),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastErrorCode" TEXT,
    "lastErrorMessage" TEXT,
    "claimToken" TEXT,
    "claimedAt" TIMESTAMP(3),
    "createUncertainAt" TIMESTAMP(3),
    "syncedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RefundSync_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RefundSync_shop_orderId_idx" ON "RefundSync"("shop", "orderId");

-- CreateIndex
CREATE INDEX "RefundSync_shop_status_idx" ON "RefundSync"("shop", "status");

-- CreateIndex
CREATE UNIQUE INDEX "RefundSync_shop_refundId_key" ON "RefundSync"("shop", "refundId");

