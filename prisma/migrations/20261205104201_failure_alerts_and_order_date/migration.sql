-- AlterTable
ALTER TABLE "OrderSync" ADD COLUMN     "processedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "FailureAlert" (
    "shop" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "email" TEXT,
    "digestedUntil" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSentAt" TIMESTAMP(3),
    "lastError" TEXT,
    "lastFailedAt" TIMESTAMP(3),
    "failedAttempts" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FailureAlert_pkey" PRIMARY KEY ("shop")
);

-- CreateIndex
CREATE INDEX "OrderSync_shop_processedAt_idx" ON "OrderSync"("shop", "processedAt");

