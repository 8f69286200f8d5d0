-- AlterEnum
ALTER TYPE "OrderSyncStatus" ADD VALUE 'skipped';

-- AlterTable
ALTER TABLE "ZohoConnection" ADD COLUMN     "invoiceKeyField" TEXT,
ADD COLUMN     "invoiceKeyFieldId" TEXT;

-- AlterTable
ALTER TABLE "OrderSync" ADD COLUMN     "claimToken" TEXT;

