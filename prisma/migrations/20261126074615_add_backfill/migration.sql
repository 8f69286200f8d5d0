-- CreateEnum
CREATE TYPE "BackfillStatus" AS ENUM ('finding', 'sending', 'completed', 'cancelled', 'failed');

-- CreateTable
CREATE TABLE "Backfill" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "from" TIMESTAMP(3) NOT NULL,
    "to" TIMESTAMP(3) NOT NULL,
    "fromDate" TEXT NOT NULL,
    "toDate" TEXT NOT NULL,
    "status" "BackfillStatus" NOT NULL DEFAULT 'finding',
    "total" INTEGER NOT NULL DEFAULT 0,
    "found" INTEGER NOT NULL DEFAULT 0,
    "skipped" INTEGER NOT NULL DEFAULT 0,
    "cursor" TEXT,
    "error" TEXT,
    "heartbeatAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Backfill_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BackfillOrder" (
    "backfillId" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "createdRow" BOOLEAN NOT NULL,

    CONSTRAINT "BackfillOrder_pkey" PRIMARY KEY ("backfillId","orderId")
);

-- CreateIndex
CREATE INDEX "Backfill_shop_createdAt_idx" ON "Backfill"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "BackfillOrder_shop_orderId_idx" ON "BackfillOrder"("shop", "orderId");

-- CreateIndex
CREATE INDEX "OrderSync_shop_createdAt_idx" ON "OrderSync"("shop", "createdAt");

-- AddForeignKey
ALTER TABLE "BackfillOrder" ADD CONSTRAINT "BackfillOrder_backfillId_fkey" FOREIGN KEY ("backfillId") REFERENCES "Backfill"("id") ON DELETE CASCADE ON UPDATE CASCADE;

