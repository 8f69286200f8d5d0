-- AlterTable
ALTER TABLE "ZohoConnection" ADD COLUMN     "tagOrders" BOOLEAN NOT NULL DEFAULT false;

