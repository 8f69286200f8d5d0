-- AlterTable
ALTER TABLE "ZohoConnection" ADD COLUMN     "keepExistingContacts" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "printOrderNote" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "TaxMapping" (
    "shop" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "shopifyTaxes" TEXT NOT NULL,
    "zohoTaxId" TEXT,
    "candidates" TEXT[],
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TaxMapping_pkey" PRIMARY KEY ("shop","organizationId","shopifyTaxes")
);

