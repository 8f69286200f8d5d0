-- AlterTable
ALTER TABLE "ZohoConnection" ADD COLUMN     "discountStyle" TEXT NOT NULL DEFAULT 'negative';

