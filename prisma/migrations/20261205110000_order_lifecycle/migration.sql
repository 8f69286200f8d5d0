-- Order edits and cancellations (ADR 019).
-- AlterTable
ALTER TABLE "ZohoConnection" ADD COLUMN     "cancelledDrafts" TEXT NOT NULL DEFAULT 'void',
ADD COLUMN     "updateDraftsOnEdit" BOOLEAN NOT NULL DEFAULT true;

-- AlterTable
ALTER TABLE "OrderSync" ADD COLUMN     "cancelledAt" TIMESTAMP(3),
ADD COLUMN     "changeSeq" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "changeNote" TEXT,
ADD COLUMN     "pendingChange" TEXT,
ADD COLUMN     "shopifyUpdatedAt" TIMESTAMP(3);

