-- AlterTable
ALTER TABLE "ZohoConnection" ADD COLUMN     "salespersonName" TEXT,
ADD COLUMN     "zohoLocationId" TEXT;
